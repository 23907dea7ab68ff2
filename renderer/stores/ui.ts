import { defineStore } from 'pinia';

export type View = 'checkout' | 'queue' | 'shift' | 'manager' | 'orders';

export const useUiStore = defineStore('ui', {
  state: () => ({ view: 'checkout' as View, lastScan: '' }),
  actions: {
    go(view: View) {
      this.view = view;
    },
  },
});
