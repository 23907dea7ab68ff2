/**
 * The manager's choice of screen for the customer display (客显): app_meta
 * `display.customer` (docs/display.md). The Electron shell tells the backend
 * which screens exist and moves the window when the choice changes
 * (`ScreenControl`); without the shell (tests, the CLI) no screen is known.
 */
import type { ParsedCommandInput } from '../../../shared/contract';
import type { CustomerDisplayView } from '../../../shared/contract-manager';
import { chooseCustomerDisplay, CUSTOMER_DISPLAY_META, type DisplayInfo } from '../customer/choose-display';
import { getMeta, setMeta } from '../printing/settings';
import type { ManagerConsole } from './console';

export interface ScreenInfo extends DisplayInfo {
  primary: boolean;
}

export interface ScreenControl {
  screens(): ScreenInfo[];
  /** Opens, moves or closes the customer window for this setting. */
  apply(setting: string): void;
}

function parse(setting: string | undefined): CustomerDisplayView['display'] {
  const value = (setting ?? 'auto').trim().toLowerCase();
  if (value === 'off') return 'off';
  return /^\d+$/.test(value) ? Number(value) : 'auto';
}

function view(c: ManagerConsole, control: ScreenControl | null): CustomerDisplayView {
  const setting = getMeta(c.db, CUSTOMER_DISPLAY_META);
  const screens = control?.screens() ?? [];
  const primary = screens.find((s) => s.primary)?.id ?? -1;
  return {
    display: parse(setting),
    screens: screens.map((s) => ({ id: s.id, width: s.bounds.width, height: s.bounds.height, primary: s.primary })),
    showingOn: chooseCustomerDisplay(screens, primary, setting)?.id ?? null,
  };
}

export async function getCustomerDisplay(
  c: ManagerConsole,
  control: ScreenControl | null,
  input: ParsedCommandInput<'manager.customerDisplay.get'>,
): Promise<CustomerDisplayView> {
  await c.authorize(input.managerPin, 'customerDisplay.get');
  return view(c, control);
}

export async function saveCustomerDisplay(
  c: ManagerConsole,
  control: ScreenControl | null,
  input: ParsedCommandInput<'manager.customerDisplay.save'>,
): Promise<CustomerDisplayView> {
  const manager = await c.authorize(input.managerPin, 'customerDisplay.save');
  const next = String(input.display);
  const old = getMeta(c.db, CUSTOMER_DISPLAY_META) ?? 'auto';
  c.db.transaction(() => {
    setMeta(c.db, CUSTOMER_DISPLAY_META, next);
    if (old !== next) c.audit(manager, 'customerDisplay.save', { [CUSTOMER_DISPLAY_META]: { old, new: next } });
  })();
  control?.apply(next);
  return view(c, control);
}
