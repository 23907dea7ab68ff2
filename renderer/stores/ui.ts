import { defineStore } from 'pinia';

export type View = 'checkout' | 'queue' | 'shift' | 'manager' | 'orders';

export const useUiStore = defineStore('ui', {
  state: () => ({ view: 'checkout' as View, lastScan: '', orderToOpen: null as string | null }),
  actions: {
    /** A scanned receipt (its order number or 查询码): the line searches for it and opens it (QueueView takes it). */
    openOrder(orderIdOrCode: string) {
      this.orderToOpen = orderIdOrCode;
      this.view = 'queue';
    },
    go(view: View) {
      this.view = view;
    },
  },
});
