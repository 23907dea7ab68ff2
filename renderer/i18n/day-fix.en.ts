/** Issue 10 leftovers (helper day-fix), English. Same keys as day-fix.zh-CN (type-checked in en.ts). */
export default {
  dayFix: {
    print: {
      previewedNote: '"Preview only" receipts were only shown on screen (no printer was set), so the customer has no paper copy; once a printer is set, print it or a copy, or skip it (keys above). The last 24 hours are listed.',
    },
    reports: {
      reprintZ: 'Print the Z report again (copy)',
      reprinted: 'A copy of the Z report of shift #{shift} was sent to the receipt printer',
      keys: '↑/↓ choose a shift · Ctrl+P print a copy',
    },
    signIn: {
      pinMismatchRetype: 'The two PINs differ: type the PIN again in the repeat field',
    },
    shift: {
      openFirst: 'No shift is open: the checkout and the line need one. Type the opening float and press Enter (0 for none)',
      floatRequired: 'Type the opening float (the change in the drawer), then Enter opens the shift; type 0 for none',
      countRequired: 'Count the cash in the drawer and type it before F8 closes the shift; type 0 for none',
    },
  },
};
