/** Issue 10 leftovers (helper day-fix), English. Same keys as day-fix.zh-CN (type-checked in en.ts). */
export default {
  dayFix: {
  },
};
