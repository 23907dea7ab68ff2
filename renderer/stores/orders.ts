/**
 * The orders screen (订单): keyset pages of `orders.list` (newest first), the
 * filters, the selected order's details, reprint and refund. A new search or
 * filter restarts from the newest order; a late page of an old query is
 * dropped (the same rule as the line).
 */
import { defineStore } from 'pinia';
import type { CashierView, CommandInput, OrderDetailsView, OrderSummaryView, TenderKind } from '../../shared/contract';
import { call, errorMessage } from '../api';

export type RefundFilter = 'all' | 'refunded' | 'not-refunded';

export const useOrdersStore = defineStore('orders', {
  state: () => ({
    orders: [] as OrderSummaryView[],
    next: null as { paidAt: number; orderId: string } | null,
    loading: false,
    loaded: false,
    error: null as string | null,
    /** How the search matched (null = no search). */
    matchedBy: null as 'order' | 'code' | 'qr' | 'number' | null,
    filters: { search: '', day: '' as string, cashierId: '' as string, tender: '' as TenderKind | '', refunded: 'all' as RefundFilter },
    /** The search text the shown list answers (for "not found"). */
    shownSearch: '',
    selected: 0,
    details: null as OrderDetailsView | null,
    cashiers: [] as CashierView[],
    generation: 0,
  }),
  getters: {
    current: (s): OrderSummaryView | null => s.orders[s.selected] ?? null,
  },
  actions: {
    query(): CommandInput<'orders.list'> {
      const f = this.filters;
      return {
        limit: 50,
        ...(f.search.trim() ? { search: f.search.trim() } : {}),
        ...(f.day ? { day: f.day } : {}),
        ...(f.cashierId ? { cashierId: f.cashierId } : {}),
        ...(f.tender ? { tender: f.tender } : {}),
        ...(f.refunded === 'all' ? {} : { refunded: f.refunded === 'refunded' }),
      };
    },
    async loadCashiers() {
      try {
        this.cashiers = await call('cashiers.list', {});
      } catch {
        this.cashiers = [];
      }
    },
    /** From the newest order again (a new search or filter). */
    async reload() {
      const generation = ++this.generation;
      this.loading = true;
      this.error = null;
      try {
        const page = await call('orders.list', this.query());
        if (generation !== this.generation) return;
        this.orders = page.orders;
        this.next = page.next;
        this.matchedBy = page.matchedBy;
        this.shownSearch = this.filters.search.trim();
        this.selected = 0;
        this.loaded = true;
        await this.openSelected();
      } catch (error) {
        if (generation === this.generation) this.error = errorMessage(error);
      } finally {
        if (generation === this.generation) this.loading = false;
      }
    },
    async loadMore() {
      if (!this.next || this.loading) return;
      const generation = this.generation;
      this.loading = true;
      try {
        const page = await call('orders.list', { ...this.query(), before: this.next });
        if (generation !== this.generation) return;
        this.orders.push(...page.orders);
        this.next = page.next;
      } catch (error) {
        this.error = errorMessage(error);
      } finally {
        this.loading = false;
      }
    },
    async move(step: number) {
      if (!this.orders.length) return;
      const at = Math.max(0, Math.min(this.orders.length - 1, this.selected + step));
      // Near the end of what is held: fetch the next page.
      if (at >= this.orders.length - 3 && this.next) await this.loadMore();
      this.selected = at;
      await this.openSelected();
    },
    async openSelected() {
      const order = this.current;
      if (!order) {
        this.details = null;
        return;
      }
      const generation = this.generation;
      const orderId = order.orderId;
      const details = await call('orders.get', { orderId });
      if (generation === this.generation && this.current?.orderId === orderId) this.details = details;
    },
    /** Refreshes the row and the details of the order shown (after a reprint or refund). */
    async refreshCurrent() {
      const order = this.current;
      if (!order) return;
      const details = await call('orders.get', { orderId: order.orderId });
      this.details = details;
      const row = this.orders.find((o) => o.orderId === order.orderId);
      if (row) row.refunded = details.refund !== null;
    },
    /** A scanned or typed receipt code / QR / order number: search for it from the newest order, without other filters. */
    async searchFor(text: string) {
      this.filters = { search: text, day: '', cashierId: '', tender: '', refunded: 'all' };
      await this.reload();
    },
    async resetFilters() {
      this.filters = { search: '', day: '', cashierId: '', tender: '', refunded: 'all' };
      await this.reload();
    },
    async reprint(orderId: string) {
      const r = await call('receipt.reprint', { orderId });
      await this.refreshCurrent();
      return r;
    },
  },
});

