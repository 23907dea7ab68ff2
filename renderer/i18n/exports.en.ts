/** CSV exports in the background (issue 15 §2, helper perf2), English. Same keys as exports.zh-CN (type-checked in en.ts). */
export default {
  csvExport: {
    orders: 'Export orders CSV',
    running: 'Exporting: {done} / {total} rows',
    starting: 'Preparing the export…',
    cancel: 'Cancel the export',
    cancelled: 'The export was cancelled; no file was written',
  },
};
