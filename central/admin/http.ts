/**
 * The admin HTTP routes. Every one needs `Authorization: Bearer <admin
 * credential>` (made by `admin add-admin`); lists are paginated with a hard cap.
 *
 *   GET  /admin/stores?after=ID&limit=N           stores with their liability
 *   GET  /admin/registers?after=CURSOR&limit=N    registers with their sync state
 *   GET  /admin/events?store=S&register=R&after=SEQ&limit=N   (limit required)
 *   GET  /admin/pushes?after=ID&limit=N
 *   GET  /admin/stats                             registers connected, event-loop delay since the last read
 *   POST /admin/push/base-settings {settings, queueId?, storeId?, registerId?}
 *   POST /admin/push/members       {members, storeId?, registerId?}
 */
import type http from 'node:http';
import { z } from 'zod';
import { MESSAGES, baseSettingsPushSchema, membersPushSchema, parseMessage } from '../../shared/sync/protocol';
import { adminForToken } from '../auth/registry';
import type { SqlDb } from '../db/adapter';
import { RequestError, bearer, intParam, readJson, sendJson } from '../http/util';
import { addPush } from '../push/store';
import { MAX_PAGE, eventsPage, pushesPage, registersPage, storesPage } from './reads';

const targetSchema = z.strictObject({ storeId: z.string().min(1).max(128).optional(), registerId: z.string().min(1).max(128).optional() });

/** Checks a push with the very schema registers use, and splits off its target. */
export function parsePushRequest(schema: z.ZodType<{ pushId: number; issuedAt: number }>, body: unknown, what: string) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(`${what} must be a JSON object`);
  const { storeId, registerId, ...rest } = body as Record<string, unknown>;
  const target = parseMessage(targetSchema, { storeId, registerId }, `${what} target`);
  if (!target.ok) throw new RequestError(target.error);
  const push = parseMessage(schema, { ...rest, pushId: 1, issuedAt: 0 }, what);
  if (!push.ok) throw new RequestError(push.error);
  const { pushId: _id, issuedAt: _at, ...content } = push.value;
  return { target: target.value, content };
}

export async function pushRequest(db: SqlDb, kind: 'base-settings' | 'members', body: unknown, now: number): Promise<number> {
  const [message, schema, what] =
    kind === 'base-settings' ? ([MESSAGES.baseSettings, baseSettingsPushSchema, 'base settings push'] as const) : ([MESSAGES.members, membersPushSchema, 'members push'] as const);
  const { target, content } = parsePushRequest(schema as z.ZodType<{ pushId: number; issuedAt: number }>, body, what);
  return db.transaction((tx) => addPush(tx, message, target, content as Record<string, unknown>, now));
}

/** true when the request carries a live admin credential; otherwise answers 401 and returns false. */
export async function requireAdmin(db: SqlDb, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const token = bearer(req);
  if (token && (await adminForToken(db, token)) !== null) return true;
  sendJson(res, 401, { error: 'an admin credential is required: Authorization: Bearer <token from `admin add-admin`>' });
  return false;
}

/** Answers an /admin/… (or the old /events) request; false when the path is not an admin route. */
export async function handleAdmin(db: SqlDb, req: http.IncomingMessage, res: http.ServerResponse, url: URL, now: number): Promise<boolean> {
  const path = url.pathname === '/events' ? '/admin/events' : url.pathname;
  if (!path.startsWith('/admin/')) return false;
  if (!(await requireAdmin(db, req, res))) return true;
  if (req.method === 'GET') {
    const limit = () => intParam(url, 'limit', 1, MAX_PAGE, path === '/admin/events' ? undefined : 100);
    switch (path) {
      case '/admin/stores':
        sendJson(res, 200, { stores: await storesPage(db, url.searchParams.get('after') ?? '', limit(), now) });
        return true;
      case '/admin/registers':
        sendJson(res, 200, { registers: await registersPage(db, intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER, 0), limit()) });
        return true;
      case '/admin/events': {
        const store = url.searchParams.get('store');
        const register = url.searchParams.get('register');
        if (!store || !register) throw new RequestError('store and register are required');
        sendJson(res, 200, { events: await eventsPage(db, store, register, intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER, 0), limit()) });
        return true;
      }
      case '/admin/pushes':
        sendJson(res, 200, { pushes: await pushesPage(db, intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER, 0), limit()) });
        return true;
      default:
        break;
    }
  }
  if (req.method === 'POST' && (path === '/admin/push/base-settings' || path === '/admin/push/members')) {
    const pushId = await pushRequest(db, path === '/admin/push/base-settings' ? 'base-settings' : 'members', await readJson(req), now);
    sendJson(res, 200, { pushId });
    return true;
  }
  sendJson(res, 404, { error: `no ${req.method} ${url.pathname} here` });
  return true;
}
