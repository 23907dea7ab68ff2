/**
 * The manager console: the unlocked session (manager.unlock / lock /
 * session), and `mcall()` — a manager command that notices when the session
 * has ended (rule manager-pin-required) so the console asks for the PIN again.
 */
import { defineStore } from 'pinia';
import type { CommandInput, CommandName, CommandOutput } from '../../shared/contract';
import type { ManagerSessionView } from '../../shared/contract-manager';
import { call, CommandFailure } from '../api';

export type ManagerTab = 'settings' | 'details' | 'dashboard' | 'whatIf' | 'reports' | 'audit' | 'staff';

export const MANAGER_TABS: { tab: ManagerTab; key: string }[] = [
  { tab: 'settings', key: 'F4' },
  { tab: 'details', key: 'F5' },
  { tab: 'dashboard', key: 'F6' },
  { tab: 'whatIf', key: 'F7' },
  { tab: 'reports', key: 'F8' },
  { tab: 'audit', key: 'F9' },
  { tab: 'staff', key: 'F12' },
];

export const useManagerStore = defineStore('manager', {
  state: () => ({
    session: null as ManagerSessionView | null,
    checked: false,
    tab: 'settings' as ManagerTab,
  }),
  getters: {
    unlocked: (s) => s.session !== null,
  },
  actions: {
    async check() {
      this.checked = false;
      try {
        const r = await call('manager.session', {});
        this.session = r.session;
      } catch {
        this.session = null;
      }
      this.checked = true;
    },
    async unlock(pin: string) {
      this.session = await call('manager.unlock', { pin });
      return this.session;
    },
    async lock() {
      const had = this.session !== null;
      this.session = null;
      if (had) await call('manager.lock', {}).catch(() => null);
    },
    async changePin(currentPin: string, newPin: string) {
      return call('manager.changePin', { currentPin, newPin });
    },
    /** A manager command; a session that ran out sends the console back to the PIN screen. */
    async mcall<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> {
      try {
        return await call(name, input);
      } catch (error) {
        if (error instanceof CommandFailure && error.code === 'rule' && error.error.rule === 'manager-pin-required') this.session = null;
        throw error;
      }
    },
  },
});
