/** CSV exports in the background (issue 15 §2, helper perf2), 简体中文. Avoid '@', '|', '{', '}' except named placeholders. */
export default {
  csvExport: {
    orders: '导出订单 CSV',
    running: '正在导出：{done} / {total} 行',
    starting: '正在准备导出…',
    cancel: '取消导出',
    cancelled: '导出已取消，没有生成文件',
  },
} as const;
