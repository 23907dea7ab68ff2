/** Status, sign-in and the shift: what the status bar and the sign-in/shift screens read. */
import { defineStore } from 'pinia';
import type { CashierView, ShiftReport, StatusSnapshot } from '../../shared/contract';
import type { Fen } from '../../shared/money';
import { call, cashierApi, errorMessage, hasCashierApi } from '../api';
import { setLevelNames } from '../i18n/messages';

export const useSessionStore = defineStore('session', {
  state: () => ({
    status: null as StatusSnapshot | null,
    cashiers: [] as CashierView[],
    /** Who last signed in at this register (the sign-in screen preselects them). */
    lastCashierId: null as string | null,
    /** The last X or Z report shown on the shift screen. */
    report: null as ShiftReport | null,
    loadError: null as string | null,
    apiMissing: false,
    unsubscribe: null as null | (() => void),
  }),
  getters: {
    cashier: (s) => s.status?.cashier ?? null,
    shift: (s) => s.status?.shift ?? null,
    signedIn: (s) => Boolean(s.status?.cashier),
    shiftOpen: (s) => Boolean(s.status?.shift && s.status.shift.closedAt === null),
    rebateName: (s) => s.status?.rebateName ?? '',
    exchangeName: (s) => s.status?.exchangeName ?? '',
    /** The amber sync banner is up (SyncBanner.vue): it says the cause, since when and what to do, so the status bar need not. */
    syncBannerShown: (s) => Boolean(s.status?.cashier && s.status.sync.state !== 'not-configured' && s.status.sync.cause),
  },
  actions: {
    async start() {
      if (!hasCashierApi()) {
        this.apiMissing = true;
        return;
      }
      this.unsubscribe?.();
      this.unsubscribe = cashierApi().onStatus((status) => {
        this.status = status;
        setLevelNames(status.levels?.names, status.levels?.known);
      });
      await this.refresh();
      if (!this.signedIn) await this.loadCashiers();
    },
    async refresh() {
      try {
        this.status = await call('app.status', {});
        setLevelNames(this.status.levels?.names, this.status.levels?.known);
        this.loadError = null;
      } catch (error) {
        this.loadError = errorMessage(error);
      }
    },
    async loadCashiers() {
      const choices = await call('cashiers.signInChoices', {});
      this.cashiers = choices.cashiers;
      this.lastCashierId = choices.lastCashierId;
    },
    async signIn(cashierId: string, pin: string) {
      await call('session.signIn', { cashierId, pin });
      await this.refresh();
    },
    /** First run: no cashier exists yet; creates the manager and signs them in. */
    async createManager(name: string, pin: string) {
      await call('setup.createManager', { name, pin });
      await this.refresh();
    },
    async signOut() {
      await call('session.signOut', {});
      this.report = null;
      await this.refresh();
      await this.loadCashiers();
    },
    async openShift(openingFloatFen: Fen) {
      await call('shift.open', { openingFloatFen });
      this.report = null;
      await this.refresh();
    },
    async xReport() {
      this.report = await call('shift.report', {});
      return this.report;
    },
    /** Prints the X report of the open shift, or (with a closed shift's id) a copy of its Z; returns the job and the report as printed. */
    async printReport(shiftId?: number) {
      return call('shift.print', shiftId === undefined ? {} : { shiftId });
    },
    async closeShift(countedCashFen: Fen) {
      this.report = await call('shift.close', { countedCashFen });
      await this.refresh();
      return this.report;
    },
  },
});
