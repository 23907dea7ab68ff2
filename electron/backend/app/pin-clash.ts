/**
 * A cashier's PIN must not be a manager's PIN: whoever knows a PIN that
 * approves refunds, voids and settings would approve them from the cashier's
 * side too, and the audit log would name the wrong person. Adding a cashier
 * and resetting a cashier's PIN are refused when the new PIN matches any
 * enabled manager's PIN (each manager's own salted hash is checked: PINs are
 * never stored in clear, so there is nothing to compare but the hash).
 *
 * Only a manager who has just proved their PIN reaches this check (the caller
 * authorizes first), so the refusal tells nothing to a cashier. Nothing is
 * written when it refuses.
 */
import { msg } from '../../../shared/messages/catalogue';
import { AppError } from './errors';
import { verifyPin } from './pin';

type Sql = (text: string) => { all(...params: unknown[]): unknown[] };

/** Throws a rule error (Chinese on screen: choose another PIN) when `pin` is an enabled manager's PIN. */
export async function refuseManagersPin(sql: Sql, pin: string): Promise<void> {
  const hashes = sql("SELECT pin_hash FROM cashiers WHERE role = 'manager' AND disabled_at IS NULL").all() as { pin_hash: string }[];
  for (const { pin_hash } of hashes) {
    if (await verifyPin(pin, pin_hash)) throw new AppError('rule', msg('staff.pinIsManagers'), { rule: 'pin-is-managers' });
  }
}
