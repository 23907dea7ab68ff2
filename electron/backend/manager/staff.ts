/**
 * The staff section of the manager console (员工): add a cashier or a
 * manager, rename, disable / enable, reset a PIN. People are never deleted:
 * orders, shifts, refunds and the audit log keep their names.
 *
 * Every change is one transaction with its `manager_audit` row. Disabling
 * someone or resetting their PIN ends their sessions at once (counter and
 * console, `Staff.endSessionsOf`). Resetting a PIN always needs a manager
 * PIN typed with it, even in an unlocked console: whoever walks up to an
 * unlocked console must not be able to take over another person's PIN.
 */
import type { ParsedCommandInput } from '../../../shared/contract';
import type { ManagerCommandOutputs, StaffView } from '../../../shared/contract-manager';
import { msg } from '../../../shared/messages/catalogue';
import { AppError } from '../app/errors';
import type { ManagerConsole } from './console';

export async function listStaff(c: ManagerConsole, input: ParsedCommandInput<'manager.staff.list'>): Promise<{ staff: StaffView[] }> {
  await c.authorize(input.managerPin, 'staff.list');
  return { staff: c.backend.staff.listStaff() };
}

function view(c: ManagerConsole, cashierId: string): StaffView {
  const found = c.backend.staff.listStaff().find((s) => s.id === cashierId);
  if (!found) throw new AppError('not-found', msg('staff.notFound', { cashierId }));
  return found;
}

export async function createStaff(c: ManagerConsole, input: ParsedCommandInput<'manager.staff.create'>): Promise<ManagerCommandOutputs['manager.staff.create']> {
  const manager = await c.authorize(input.managerPin, 'staff.create');
  // The audit row commits with the person (and re-checks the approval after the hash was awaited).
  const person = await c.backend.staff.addPerson({ name: input.name, pin: input.pin, role: input.role, createdBy: manager.id }, (p) =>
    c.audit(manager, 'staff.create', { cashierId: p.id, name: p.name, role: p.role }),
  );
  c.backend.notifyChanged();
  return view(c, person.id);
}

export async function renameStaff(c: ManagerConsole, input: ParsedCommandInput<'manager.staff.rename'>): Promise<StaffView> {
  const manager = await c.authorize(input.managerPin, 'staff.rename');
  c.db.transaction(() => {
    const { before } = c.backend.staff.rename(input.cashierId, input.name);
    if (before !== input.name) c.audit(manager, 'staff.rename', { cashierId: input.cashierId, old: before, new: input.name });
  })();
  c.backend.notifyChanged();
  return view(c, input.cashierId);
}

export async function setStaffDisabled(c: ManagerConsole, input: ParsedCommandInput<'manager.staff.setDisabled'>): Promise<StaffView> {
  const manager = await c.authorize(input.managerPin, input.disabled ? 'staff.disable' : 'staff.enable');
  const changed = c.db.transaction(() => {
    const result = c.backend.staff.setDisabled(input.cashierId, input.disabled, manager);
    if (result.changed) {
      const person = c.backend.staff.person(input.cashierId)!;
      c.audit(manager, input.disabled ? 'staff.disable' : 'staff.enable', { cashierId: person.id, name: person.name, role: person.role });
    }
    return result.changed;
  })();
  if (changed && input.disabled) c.backend.staff.endSessionsOf(input.cashierId);
  else c.backend.notifyChanged();
  return view(c, input.cashierId);
}

export async function resetStaffPin(c: ManagerConsole, input: ParsedCommandInput<'manager.staff.resetPin'>): Promise<StaffView> {
  const manager = await c.authorize(input.managerPin, 'staff.resetPin');
  const person = c.backend.staff.person(input.cashierId);
  if (!person) throw new AppError('not-found', msg('staff.notFound', { cashierId: input.cashierId }));
  const hash = await c.backend.staff.hashNewPin(input.newPin, person.role);
  c.db.transaction(() => {
    c.backend.staff.setPinHash(input.cashierId, hash);
    c.audit(manager, 'staff.resetPin', { cashierId: person.id, name: person.name, role: person.role });
  })();
  // Whoever unlocked anything with the old PIN must prove the new one.
  // (A manager resetting their own PIN at the counter just proved they are here.)
  c.backend.staff.endSessionsOf(input.cashierId, { keepCounter: manager.id === input.cashierId && c.backend.cashier?.id === input.cashierId });
  return view(c, input.cashierId);
}
