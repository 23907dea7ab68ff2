/** A full or failing disk (helper disk), English. */
export default {
  storage: {
    disk: 'Disk space',
    fault: 'Disk problem',
    backup: 'Daily backup',
    backupAt: 'last tried {time}',
  },
} as const;
