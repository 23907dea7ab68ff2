/**
 * A register rebuilt from the service (issue 14 §1, docs/central.md
 * "Disaster recovery"). A register that lost its database asks, with its own
 * token, for what the service holds of it; only its own events and the
 * pushes it answered, a page at a time.
 *
 *   GET /recovery/state                      {storeId, registerId, lastSeq, lastSeenAt, lastSyncAt, lastEventAt, pushCursor}
 *   GET /recovery/events?after=SEQ&limit=N   {events: WireEvent[] by seq, next: SEQ | null}   (N ≤ 2000, default 1000)
 *   GET /recovery/pushes?after=ID&limit=N    {pushes: [{id, message, body}] the register answered ok, next}
 *
 * `Authorization: Bearer <register token>`: the token names the register, so
 * no query can reach another register's events. Answers are capped pages so
 * a register with years of sales is fetched in many small requests.
 */
import type http from 'node:http';
import { registerForToken } from '../auth/registry';
import type { SqlDb } from '../db/adapter';
import { bearer, intParam, sendJson } from '../http/util';

export const RECOVERY_MAX_PAGE = 2000;

/** Answers a /recovery/… request; false when the path is not one. */
export async function handleRecovery(db: SqlDb, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith('/recovery/')) return false;
  const token = bearer(req);
  const register = token ? await registerForToken(db, token) : null;
  if (!register) {
    sendJson(res, 401, { error: 'a register token is required: Authorization: Bearer <the token this register enrolled with>' });
    return true;
  }
  if (req.method !== 'GET') {
    sendJson(res, 405, { error: 'recovery routes are read-only (GET)' });
    return true;
  }
  switch (url.pathname) {
    case '/recovery/state': {
      const { rows } = await db.query<{ last_seq: number; last_seen_at: number | null; last_sync_at: number | null; last_event_at: number | null; push_cursor: number }>(
        'SELECT last_seq, last_seen_at, last_sync_at, last_event_at, push_cursor FROM registers WHERE id = $1',
        [register.id],
      );
      const r = rows[0]!;
      sendJson(res, 200, {
        storeId: register.storeId,
        registerId: register.registerId,
        lastSeq: r.last_seq,
        lastSeenAt: r.last_seen_at,
        lastSyncAt: r.last_sync_at,
        lastEventAt: r.last_event_at,
        pushCursor: r.push_cursor,
      });
      return true;
    }
    case '/recovery/events': {
      const after = intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
      const limit = intParam(url, 'limit', 1, RECOVERY_MAX_PAGE, 1000);
      const { rows } = await db.query<{ seq: number; event_id: string; queue_id: string; type: string; at: number; payload: Record<string, unknown> }>(
        'SELECT seq, event_id, queue_id, type, at, payload FROM events WHERE register = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [register.id, after, limit],
      );
      const events = rows.map((r) => ({ id: r.event_id, seq: r.seq, queueId: r.queue_id, type: r.type, at: r.at, payload: r.payload }));
      sendJson(res, 200, { events, next: events.length === limit ? events[events.length - 1]!.seq : null });
      return true;
    }
    case '/recovery/pushes': {
      const after = intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
      const limit = intParam(url, 'limit', 1, 500, 100);
      const { rows } = await db.query<{ id: number; message: string; body: Record<string, unknown> }>(
        `SELECT p.id, p.message, p.body FROM pushes p JOIN push_results x ON x.push_id = p.id
         WHERE x.register = $1 AND x.ok AND p.id > $2 ORDER BY p.id LIMIT $3`,
        [register.id, after, limit],
      );
      sendJson(res, 200, { pushes: rows, next: rows.length === limit ? rows[rows.length - 1]!.id : null });
      return true;
    }
    default:
      sendJson(res, 404, { error: `no GET ${url.pathname} here` });
      return true;
  }
}
