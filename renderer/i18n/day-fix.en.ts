/** Issue 10 leftovers (helper day-fix), English. Same keys as day-fix.zh-CN (type-checked in en.ts). */
export default {
  dayFix: {
    reports: {
      reprintZ: 'Print the Z report again (copy)',
      reprinted: 'A copy of the Z report of shift #{shift} was sent to the receipt printer',
      keys: '↑/↓ choose a shift · Ctrl+P print a copy',
    },
  },
};
