/**
 * "Why this ratio?" — the priority chain of queue-rebate.md §5, step by step,
 * for one order.
 *
 * Method (docs/manager.md): the steps the checkout evaluated are STORED at
 * checkout (`checkout_details.ratio_steps`, written in the checkout
 * transaction by the counter) and shown as they were. Independently, the
 * chain is re-evaluated with `decideRatio` using the settings in force at
 * payment, rebuilt from `settings_audit` (current layers with every later
 * change undone), the member's settled spend before payment and the member's
 * level now; `agrees` says whether both pick the same rule and ratio. An order
 * without stored steps (e.g. imported) shows the re-evaluation.
 */
import type { RatioStepView } from '../../../shared/contract';
import type { WhyRatioView } from '../../../shared/contract-manager';
import { decideRatio, TIME } from '../../../shared/engine/index';
import type { ParsedCommandInput } from '../../../shared/contract';
import { layersAt, type AuditRowLike } from '../../../shared/manager/settings-view';
import type { SettingsLayers } from '../../../shared/settings';
import { AppError } from '../app/errors';
import { shownMembers } from '../app/shown-members';
import { msg } from '../../../shared/messages/catalogue';
import { withExplanation } from '../../../shared/messages/ratio-steps';
import type { ManagerConsole } from './console';
import { currentLayers } from './settings';

/** The settings layers in force at `at`, rebuilt from the audit log. */
export function settingsAt(c: ManagerConsole, at: number): SettingsLayers {
  const rows = (
    c.db
      .prepare('SELECT id, layer, field, old_value, new_value, at FROM settings_audit WHERE queue_id = ? AND at > ? ORDER BY id DESC')
      .all(c.backend.queueId, at) as { id: number; layer: 'base' | 'cashier'; field: string; old_value: string | null; new_value: string | null; at: number }[]
  ).map((r): AuditRowLike => ({ id: r.id, layer: r.layer, field: r.field, oldValue: r.old_value, newValue: r.new_value, at: r.at }));
  return layersAt(currentLayers(c), rows, at);
}

function winnerOf(steps: RatioStepView[]): { rule: string; ratioBp: number | null } | null {
  const w = steps.find((s) => s.applies);
  return w ? { rule: w.rule, ratioBp: w.ratioBp } : null;
}

export async function whyRatio(c: ManagerConsole, input: ParsedCommandInput<'manager.whyRatio'>): Promise<WhyRatioView> {
  await c.authorize(input.managerPin, 'whyRatio');
  const { store, queueId } = c.backend;
  const order = store.getOrder(queueId, input.orderId);
  if (!order) throw new AppError('not-found', msg('order.notFound', { orderId: input.orderId }));
  const entry = store.getEntryByOrder(queueId, order.id) ?? null;
  const member = order.memberId ? store.getMember(order.memberId) : undefined;
  const stored = c.db.prepare('SELECT ratio_steps FROM checkout_details WHERE queue_id = ? AND order_id = ?').get(queueId, order.id) as
    | { ratio_steps: string }
    | undefined;
  const recorded = stored ? (JSON.parse(stored.ratio_steps) as RatioStepView[]).map(withExplanation) : [];

  let reconstructed: RatioStepView[] | null = null;
  if (member) {
    const decision = decideRatio({
      layers: settingsAt(c, order.paidAt),
      member,
      spendInLastDays: (days) => store.memberSettledSpend(queueId, member.id, order.paidAt - days * TIME.DAY, order.paidAt),
    });
    reconstructed = decision.steps.map((s) => withExplanation({ rule: s.rule, applies: s.applies, ratioBp: s.ratioBp ?? null, detail: s.detail }));
  }
  const source: WhyRatioView['source'] = !entry ? 'none' : recorded.length > 0 ? 'recorded' : reconstructed ? 'reconstructed' : 'none';
  const steps = source === 'recorded' ? recorded : source === 'reconstructed' ? reconstructed! : [];
  const a = winnerOf(recorded);
  const b = reconstructed ? winnerOf(reconstructed) : null;
  return {
    orderId: order.id,
    paidAt: order.paidAt,
    memberId: order.memberId,
    member: order.memberId ? shownMember(c, order.memberId) : null,
    memberLevel: member?.level ?? null,
    source,
    steps,
    winner: winnerOf(steps),
    reconstructedSteps: reconstructed,
    agrees: a && b ? a.rule === b.rule && a.ratioBp === b.ratioBp : null,
    entry: entry
      ? {
          rule: entry.rule,
          ratioBp: entry.ratioBp,
          drawPending: entry.drawPending,
          drawnAt: entry.drawnAt,
          entitlementFen: entry.entitlementFen,
          receivedFen: entry.receivedFen,
          state: entry.state,
        }
      : null,
    noEntitlementReason: order.noEntitlementReason,
  };
}

/** The member as the dialog shows them (the same three facts the line shows); null when the member is no longer known. */
function shownMember(c: ManagerConsole, memberId: string): WhyRatioView['member'] {
  return shownMembers(c.db, [memberId]).get(memberId) ?? null;
}
