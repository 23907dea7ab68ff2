/** Issue 10 leftovers (helper day-fix), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  dayFix: {
  },
} as const;
