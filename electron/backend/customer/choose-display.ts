/**
 * Which screen shows the customer display (客显): app_meta `display.customer`
 * = `off`, a display id (Electron's `screen` ids), or `auto`/absent = the
 * first display that is not the primary one. The primary display is the
 * cashier's, so it is never chosen; a chosen id no longer attached means no
 * window (rather than covering the cashier's screen).
 */
export const CUSTOMER_DISPLAY_META = 'display.customer';

export interface DisplayInfo {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export function chooseCustomerDisplay(displays: readonly DisplayInfo[], primaryId: number, setting: string | undefined): DisplayInfo | null {
  const value = (setting ?? 'auto').trim().toLowerCase();
  if (value === 'off') return null;
  if (/^\d+$/.test(value)) return displays.find((d) => d.id === Number(value) && d.id !== primaryId) ?? null;
  return displays.find((d) => d.id !== primaryId) ?? null;
}
