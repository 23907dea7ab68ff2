/**
 * The liability dashboard (docs/manager.md): now, e/r with its meaning, day
 * by day, and the tail's expected wait at the order rate of the last 7 and
 * 30 days. Reads only.
 */
import type { ParsedCommandInput } from '../../../shared/contract';
import type { DashboardView } from '../../../shared/contract-manager';
import { TIME } from '../../../shared/engine/index';
import { lastDays } from '../../../shared/manager/days';
import { coverage } from '../../../shared/manager/liability';
import { resolveSettings } from '../../../shared/settings';
import type { ManagerConsole } from './console';
import { averageRewardBp, dailyFigures, ledgerTotals, tailView } from './liability';

/** Recent entries for e/r: those joined in the last 30 days. */
export const COVERAGE_DAYS = 30;

export function buildDashboard(c: ManagerConsole, days: number): DashboardView {
  const { db, backend } = c;
  const { queueId, timezone } = backend;
  const now = c.now();
  const queue = backend.store.loadQueue(queueId)!;
  const settings = resolveSettings(queue.layers);
  const totals = ledgerTotals(db, queueId);
  const sum = (kind: string) => totals[kind]?.amount ?? 0;
  const units = (kind: string) => totals[kind]?.units ?? 0;
  // No count over every entry ever made: seqs are dense (next_seq − 1 entries), completions are counted by a trigger (migration 010).
  const counts = db
    .prepare('SELECT q.next_seq - 1 AS n, coalesce((SELECT n FROM entry_completed c WHERE c.queue_id = q.id), 0) AS completed FROM queues q WHERE q.id = ?')
    .get(queueId) as {
    n: number;
    completed: number;
  };

  return {
    generatedAt: now,
    timezone,
    now: {
      owedFen: queue.owedFen,
      waitingEntries: queue.waitingCount,
      undistributedFen: queue.undistributedFen,
      poolFen: queue.poolFen,
      extractedFen: queue.extractedFen,
      paidOutFen: queue.paidOutFen,
      forfeitedFen: queue.forfeitedFen,
      forfeitedByResetsFen: sum('clearing'),
      forfeitedByRefundsFen: sum('cancellation'),
      exchangedFen: queue.exchangedFen,
      pointsIssued: queue.pointsIssued,
      pointsFromExchangeUnits: units('exchange_points'),
      pointsFromRandomReturnUnits: units('random_points'),
      vouchersIssued: queue.vouchersIssued,
      entriesTotal: counts.n,
      entriesCompleted: counts.completed,
    },
    coverage: coverage(settings.extractionBp, averageRewardBp(db, queueId, now - COVERAGE_DAYS * TIME.DAY)),
    days: dailyFigures(db, queueId, lastDays(now, days, timezone), queue.owedFen),
    tail: tailView(db, queueId, queue.layers, queue.poolFen, now, timezone),
  };
}

export async function dashboard(c: ManagerConsole, input: ParsedCommandInput<'manager.dashboard'>): Promise<DashboardView> {
  await c.authorize(input.managerPin, 'dashboard');
  return buildDashboard(c, input.days);
}
