/**
 * GET /q/<查询码>: the customer's queue page. Rate-limited per address; a
 * malformed code, an unknown one and a wrong guess all get the very same
 * page and status (200), so the answer tells a guesser nothing.
 */
import type http from 'node:http';
import { parseLookupCode } from '../../shared/lookup-code';
import type { SqlDb } from '../db/adapter';
import type { RateLimiter } from '../http/rate-limit';
import { lookupEntry } from './lookup';
import { ENTER_CODE_PAGE, FAILURE_PAGE, TOO_MANY_PAGE, UNKNOWN_PAGE, renderLookup } from './render';

function sendHtml(res: http.ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/** The page failed inside (the database away): the customer is told in Chinese to try later, never an error in English. */
export function sendQueuePageFailure(res: http.ServerResponse, status: number): void {
  sendHtml(res, status >= 500 ? 503 : status, FAILURE_PAGE, status >= 500 ? { 'retry-after': '60' } : {});
}

export async function handleQueuePage(
  db: SqlDb,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  ctx: { limiter: RateLimiter; address: string; now: number },
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendHtml(res, 405, UNKNOWN_PAGE);
  if (!ctx.limiter.take(`page:${ctx.address}`, ctx.now)) return sendHtml(res, 429, TOO_MANY_PAGE, { 'retry-after': '60' });
  let raw = '';
  try {
    raw = decodeURIComponent(url.pathname.slice('/q/'.length));
  } catch {
    // a malformed escape is just another unknown code
    return sendHtml(res, 200, UNKNOWN_PAGE);
  }
  // The code typed into the page's own form (/q/?code=…): the same answer as /q/<code>.
  if (raw === '') raw = url.searchParams.get('code') ?? '';
  // No code at all (/q, /q/, the form sent empty): ask for one; "not found" would say a code was tried.
  if (raw.trim() === '') return sendHtml(res, 200, ENTER_CODE_PAGE);
  const code = raw.length <= 64 ? parseLookupCode(raw) : null;
  if (!code) return sendHtml(res, 200, UNKNOWN_PAGE);
  sendHtml(res, 200, renderLookup(await lookupEntry(db, code), ctx.now));
}
