/** Issue 10 leftovers (helper day-fix), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  dayFix: {
    reports: {
      reprintZ: '补打 Z 报表（副本）',
      reprinted: '班次 #{shift} 的 Z 报表副本已送往小票打印机',
      keys: '↑/↓ 选择班次 · Ctrl+P 补打',
    },
  },
} as const;
