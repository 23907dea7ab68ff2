/**
 * 017: the counter's own records travel to the central service too, so a
 * register rebuilt from the service gets them back (issue 14 §1,
 * docs/sync.md "Counter events"): people and their sealed PINs, shifts with
 * their Z reports, the manager audit log, each order's tenders, cashier,
 * shift and ratio steps, each refund's tenders and approver.
 *
 * Triggers rather than calls in the code that makes the changes: the event
 * is then written in the very statement's transaction whichever module (or
 * future module) changes the row — an event exists iff the change does, as
 * for the engine's events. Every trigger stays silent while a rebuild writes
 * the rows back (`recovery.replaying` in app_meta, recovery/rebuild.ts).
 *
 *  - cashiers → `staff.changed` (the whole person; the PIN hash sealed by
 *    `qrc_seal_pin` under the key of the register's token, sync/pin-seal.ts;
 *    `pin` null when no token was ever saved);
 *  - shifts → `shift.opened` / `shift.closed` (the frozen Z report);
 *  - manager_audit → `audit.recorded`;
 *  - checkout_details (the last row a checkout writes) → the order's
 *    `order.checkout` event gains `counter` (cashier, shift, deductions,
 *    change, tenders, ratio steps); one UPDATE of the newest outbox row;
 *  - refunds / refund_tenders → the `order.refunded` event gains `refund`.
 *
 * What a register already had when it upgraded is sent once, now: every
 * person (PIN null: no key yet; sealed again when the sync starts with the
 * token), every shift, every audit row. Orders sold before the upgrade were
 * sent without `counter` and stay so.
 */
const QUEUE_ID = `coalesce((SELECT value FROM app_meta WHERE key = 'register.queueId'), (SELECT id FROM queues ORDER BY rowid LIMIT 1), 'register-1')`;
const EVENT_ID = `'c-' || lower(hex(randomblob(16)))`;
const NOW = `CAST(unixepoch('subsec') * 1000 AS INTEGER)`;
const LIVE = `NOT EXISTS (SELECT 1 FROM app_meta WHERE key = 'recovery.replaying')`;
const SEAL_KEY = `(SELECT value FROM app_meta WHERE key = 'sync.pinSealKey')`;

const person = (row: string, sealed: boolean) => `json_object(
  'person', json_object('id', ${row}.id, 'name', ${row}.name, 'role', ${row}.role, 'createdAt', ${row}.created_at, 'createdBy', ${row}.created_by,
                        'disabledAt', ${row}.disabled_at, 'disabledBy', ${row}.disabled_by),
  'pin', ${sealed ? `json(qrc_seal_pin(${row}.pin_hash, ${SEAL_KEY}, ${row}.id))` : 'NULL'})`;

const opened = (row: string) =>
  `json_object('shift', json_object('id', ${row}.id, 'registerId', ${row}.register_id, 'cashierId', ${row}.cashier_id, 'openedAt', ${row}.opened_at, 'openingFloatFen', ${row}.opening_float_fen))`;
const closed = (row: string) =>
  `json_object('shiftId', ${row}.id, 'closedAt', ${row}.closed_at, 'closedBy', ${row}.closed_by, 'countedCashFen', ${row}.counted_cash_fen, 'zReport', json(${row}.z_report))`;
const audit = (row: string) =>
  `json_object('audit', json_object('id', ${row}.id, 'at', ${row}.at, 'managerId', ${row}.manager_id, 'cashierId', ${row}.cashier_id, 'action', ${row}.action, 'detail', json(${row}.detail)))`;

const outbox = (type: string, at: string, payload: string) =>
  `INSERT INTO outbox (event_id, queue_id, type, at, payload) VALUES (${EVENT_ID}, ${QUEUE_ID}, '${type}', ${at}, ${payload});`;

/** The newest outbox row of `type` (walks back from the end: the row this transaction just wrote). */
const newest = (type: string) => `(SELECT seq FROM outbox WHERE type = '${type}' ORDER BY seq DESC LIMIT 1)`;

export const counterEventsSchema = /* sql */ `
CREATE TRIGGER staff_event_insert AFTER INSERT ON cashiers WHEN ${LIVE}
BEGIN ${outbox('staff.changed', 'NEW.created_at', person('NEW', true))} END;
CREATE TRIGGER staff_event_update AFTER UPDATE OF name, role, pin_hash, disabled_at, disabled_by ON cashiers WHEN ${LIVE}
BEGIN ${outbox('staff.changed', `coalesce(NEW.disabled_at, ${NOW})`, person('NEW', true))} END;

CREATE TRIGGER shift_event_open AFTER INSERT ON shifts WHEN ${LIVE}
BEGIN ${outbox('shift.opened', 'NEW.opened_at', opened('NEW'))} END;
CREATE TRIGGER shift_event_close AFTER UPDATE OF closed_at ON shifts WHEN ${LIVE} AND OLD.closed_at IS NULL AND NEW.closed_at IS NOT NULL
BEGIN ${outbox('shift.closed', 'NEW.closed_at', closed('NEW'))} END;

CREATE TRIGGER audit_event AFTER INSERT ON manager_audit WHEN ${LIVE}
BEGIN ${outbox('audit.recorded', 'NEW.at', audit('NEW'))} END;

CREATE TRIGGER checkout_counter_event AFTER INSERT ON checkout_details WHEN ${LIVE}
BEGIN
  UPDATE outbox SET payload = json_set(payload, '$.counter', (
    SELECT json_object('cashierId', o.cashier_id, 'shiftId', o.shift_id, 'pointsDeductionFen', o.points_deduction_fen,
                       'loveDeductionFen', o.love_deduction_fen, 'changeFen', o.change_fen,
                       'tenders', (SELECT json_group_array(json_object('kind', t.kind, 'amountFen', t.amount_fen))
                                   FROM (SELECT kind, amount_fen FROM order_tenders WHERE queue_id = o.queue_id AND order_id = o.id ORDER BY line) t),
                       'ratioSteps', json(NEW.ratio_steps))
    FROM orders o WHERE o.queue_id = NEW.queue_id AND o.id = NEW.order_id))
  WHERE seq = ${newest('order.checkout')} AND queue_id = NEW.queue_id AND json_extract(payload, '$.order.id') = NEW.order_id;
END;

CREATE TRIGGER refund_event AFTER INSERT ON refunds WHEN ${LIVE}
BEGIN
  UPDATE outbox SET payload = json_set(payload, '$.refund', json_object('at', NEW.at, 'shiftId', NEW.shift_id, 'cashierId', NEW.cashier_id,
      'approvedBy', NEW.approved_by, 'amountFen', NEW.amount_fen, 'cashFen', NEW.cash_fen, 'tenders', json('[]')))
  WHERE seq = ${newest('order.refunded')} AND queue_id = NEW.queue_id AND json_extract(payload, '$.orderId') = NEW.order_id;
END;
CREATE TRIGGER refund_tender_event AFTER INSERT ON refund_tenders WHEN ${LIVE}
BEGIN
  UPDATE outbox SET payload = json_insert(payload, '$.refund.tenders[#]', json_object('kind', NEW.kind, 'amountFen', NEW.amount_fen))
  WHERE seq = ${newest('order.refunded')} AND queue_id = NEW.queue_id AND json_extract(payload, '$.orderId') = NEW.order_id;
END;

INSERT INTO outbox (event_id, queue_id, type, at, payload)
  SELECT ${EVENT_ID}, ${QUEUE_ID}, 'staff.changed', created_at, ${person('c', false)} FROM cashiers c ORDER BY rowid;
INSERT INTO outbox (event_id, queue_id, type, at, payload)
  SELECT ${EVENT_ID}, ${QUEUE_ID}, 'shift.opened', opened_at, ${opened('s')} FROM shifts s ORDER BY id;
INSERT INTO outbox (event_id, queue_id, type, at, payload)
  SELECT ${EVENT_ID}, ${QUEUE_ID}, 'shift.closed', closed_at, ${closed('s')} FROM shifts s WHERE closed_at IS NOT NULL ORDER BY id;
INSERT INTO outbox (event_id, queue_id, type, at, payload)
  SELECT ${EVENT_ID}, ${QUEUE_ID}, 'audit.recorded', at, ${audit('a')} FROM manager_audit a ORDER BY id;
`;
