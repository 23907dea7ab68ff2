import { defineStore } from 'pinia';
import { useOrdersStore } from './orders';

export type View = 'checkout' | 'queue' | 'shift' | 'manager' | 'orders';

export const useUiStore = defineStore('ui', {
  state: () => ({ view: 'checkout' as View, lastScan: '' }),
  actions: {
    /** A scanned or typed receipt (its order number or 查询码) from any counter screen: the orders screen finds and shows it. */
    openOrder(orderIdOrCode: string) {
      this.view = 'orders';
      void useOrdersStore().searchFor(orderIdOrCode);
    },
    go(view: View) {
      this.view = view;
    },
  },
});
