/** Issue 10 leftovers (helper day-fix), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  dayFix: {
    print: {
      previewedNote: '“仅预览”的小票只在屏幕上显示过（当时没有设置打印机），顾客没有拿到纸质小票；设置好打印机后可以重新打印或打印副本，不需要时跳过（按键见上方）。这里列出最近 24 小时内的。',
    },
    reports: {
      reprintZ: '补打 Z 报表（副本）',
      reprinted: '班次 #{shift} 的 Z 报表副本已送往小票打印机',
      keys: '↑/↓ 选择班次 · Ctrl+P 补打',
    },
    signIn: {
      pinMismatchRetype: '两次输入的 PIN 码不一致，请在“再次输入 PIN 码”里重新输入一次',
    },
    shift: {
      openFirst: '还没有开班：收银和队列要先开班。请输入备用金，按 Enter 开班（没有备用金请输入 0）',
      floatRequired: '请输入备用金（抽屉里的零钱），再按 Enter 开班；没有备用金请输入 0',
      countRequired: '请先清点抽屉里的现金，输入金额后再按 F8 交班；没有现金请输入 0',
    },
  },
} as const;
