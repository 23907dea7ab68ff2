/** A full or failing disk (helper disk; docs/store.md "A full or failing disk"), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  storage: {
    disk: '磁盘空间',
    fault: '磁盘故障',
    backup: '每日备份',
    backupAt: '上次尝试 {time}',
  },
} as const;
