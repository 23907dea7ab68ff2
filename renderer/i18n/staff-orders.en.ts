/** Staff section and orders screen, English. */
export default {
  staff: {
    cashierLabel: 'Cashier',
  },
  orders: {},
} as const;
