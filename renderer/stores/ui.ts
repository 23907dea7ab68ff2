import { defineStore } from 'pinia';

export type View = 'checkout' | 'queue' | 'shift' | 'manager' | 'orders';

export const useUiStore = defineStore('ui', {
  state: () => ({ view: 'checkout' as View, lastScan: '', orderToOpen: null as string | null }),
  actions: {
    /** A scanned receipt: the line opens that order's details (QueueView takes it). */
    openOrder(orderId: string) {
      this.orderToOpen = orderId;
      this.view = 'queue';
    },
    go(view: View) {
      this.view = view;
    },
  },
});
