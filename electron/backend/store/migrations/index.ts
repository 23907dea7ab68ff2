/**
 * The migrations, in order. Append only: a released migration is never
 * edited or removed, and `PRAGMA user_version` records how many have run.
 * Each engineer's migration goes at the end of this list.
 */
import { coreSchema } from './001-core';
import { printJobsSchema } from './002-print-jobs';
import { counterSchema } from './003-counter';
import { syncSchema } from './004-sync';
import { managerSchema } from './005-manager';
import { membersSchema } from './006-members';
import { flatCountersSchema } from './007-flat-counters';
import { staffOrdersSchema } from './008-staff-orders';
import { verifiedCheckpointSchema } from './009-verified-checkpoint';
import { lighterCountersSchema } from './010-lighter-counters';
import { lineMemberIndexSchema } from './011-line-member-index';
import { drawnIndexSchema } from './012-drawn-index';
import { shiftReportJobsSchema } from './013-shift-report-jobs';
import { quarterHourTotalsSchema } from './014-quarter-hour-totals';
import { printFailuresCounterSchema } from './015-print-failures-counter';
import { outboxPurgedUnsentSchema } from './016-outbox-purged-unsent';
import { counterEventsSchema } from './017-counter-events';

export interface Migration {
  /** 1-based; equals the user_version after it ran. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core: queues, members, orders, entries, ledger, outbox, settings audit', sql: coreSchema },
  { version: 2, name: 'print jobs: the receipt print queue', sql: printJobsSchema },
  { version: 3, name: 'counter: cashiers, shifts, refunds, PIN lockout, order numbers', sql: counterSchema },
  { version: 4, name: 'sync: sync_state and the log of pushes from the central server', sql: syncSchema },
  { version: 5, name: 'manager: audit log of manager actions, time indexes for the dashboard and reports', sql: managerSchema },
  { version: 6, name: 'members: keyed phone digests, counter enrolment, canonical ids; orders: the receipt lookup code', sql: membersSchema },
  { version: 7, name: "flat counters: print jobs per state, ledger totals, entries per state; the print worker's head index", sql: flatCountersSchema },
  { version: 8, name: 'staff and orders: disabled cashiers, refund tenders, print slips, order paging indexes', sql: staffOrdersSchema },
  { version: 9, name: 'verified checkpoint: start-up checks only what came after the last full check', sql: verifiedCheckpointSchema },
  { version: 10, name: 'lighter counters: completed entries per queue, ledger totals of the kinds the queue does not count', sql: lighterCountersSchema },
  { version: 11, name: "line member index: the line filtered by one member pages through (queue_id, member_id, seq)", sql: lineMemberIndexSchema },
  { version: 12, name: "drawn index: the dashboard's draws of the window through (queue_id, drawn_at)", sql: drawnIndexSchema },
  { version: 13, name: 'shift reports: print jobs may be an X or Z report of a shift (print_jobs rebuilt)', sql: shiftReportJobsSchema },
  { version: 14, name: "quarter-hour totals: the dashboard's day-by-day figures kept by triggers in the checkout's transaction", sql: quarterHourTotalsSchema },
  { version: 15, name: "print failures counter: the failed jobs waiting for the cashier kept by triggers; the oldest failed job through print_jobs_failed", sql: printFailuresCounterSchema },
  { version: 16, name: 'outbox without a server: the seq through which unsent events older than 90 days were purged', sql: outboxPurgedUnsentSchema },
  { version: 17, name: 'counter events: staff (sealed PINs), shifts, the audit log, tenders and refunds travel to the central service', sql: counterEventsSchema },
];
