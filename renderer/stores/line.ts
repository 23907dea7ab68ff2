/**
 * The line (队列): keyset-paged. The screen never asks for the whole queue;
 * it asks for `PAGE` entries after the last line position it holds
 * (`queue.list` afterSeq/limit) when the virtual table scrolls near its end,
 * so a million entries cost one indexed page query at a time.
 */
import { defineStore } from 'pinia';
import type { CommandInput, EntryView, LineMemberView } from '../../shared/contract';
import { call, errorMessage } from '../api';

/** An entry as the line holds it: with who it belongs to, as shown (never the internal member id). */
export type LineEntry = EntryView & { member?: LineMemberView | null };

export const PAGE = 200;

export type EntryState = EntryView['state'];

export interface LineFilters {
  state: EntryState | '';
  memberId: string;
  /** Local dates 'YYYY-MM-DD' ('' = open). */
  fromDate: string;
  toDate: string;
  search: string;
}

function startOfDay(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

export function listInput(filters: LineFilters, afterSeq: number, limit = PAGE): CommandInput<'queue.list'> {
  const input: CommandInput<'queue.list'> = { afterSeq, limit };
  if (filters.state) input.state = filters.state;
  if (filters.memberId.trim()) input.memberId = filters.memberId.trim();
  if (filters.search.trim()) input.search = filters.search.trim();
  const from = startOfDay(filters.fromDate);
  if (from !== undefined) input.from = from;
  const toStart = startOfDay(filters.toDate);
  if (toStart !== undefined) input.to = toStart + 24 * 3600 * 1000 - 1;
  return input;
}

export const useLineStore = defineStore('line', {
  state: () => ({
    filters: { state: '', memberId: '', fromDate: '', toDate: '', search: '' } as LineFilters,
    entries: [] as LineEntry[],
    nextAfterSeq: 0 as number | null,
    totalWaiting: 0,
    loading: false,
    error: null as string | null,
    /** Bumped on every reload so a late page of an old query is dropped. */
    generation: 0,
    selected: 0,
  }),
  getters: {
    done: (s) => s.nextAfterSeq === null,
  },
  actions: {
    async reload() {
      this.generation++;
      this.entries = [];
      this.nextAfterSeq = 0;
      this.selected = 0;
      this.loading = false;
      await this.loadMore();
    },
    async loadMore() {
      if (this.loading || this.nextAfterSeq === null) return;
      const generation = this.generation;
      this.loading = true;
      this.error = null;
      try {
        const page = await call('queue.list', listInput(this.filters, this.nextAfterSeq));
        if (generation !== this.generation) return;
        this.entries.push(...page.entries);
        this.nextAfterSeq = page.nextAfterSeq;
        this.totalWaiting = page.totalWaiting;
      } catch (error) {
        if (generation === this.generation) this.error = errorMessage(error);
      } finally {
        if (generation === this.generation) this.loading = false;
      }
    },
    /** Replaces one entry in place after a draw / exchange / refund; who it belongs to does not change, so it is kept. */
    patch(entry: EntryView) {
      const at = this.entries.findIndex((e) => e.orderId === entry.orderId);
      if (at >= 0) this.entries.splice(at, 1, { ...entry, member: this.entries[at]!.member ?? null });
    },
    resetFilters() {
      this.filters = { state: '', memberId: '', fromDate: '', toDate: '', search: '' };
    },
  },
});
