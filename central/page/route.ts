/** GET /q/<code>: placeholder until the queue page lands. */
import type http from 'node:http';
import type { SqlDb } from '../db/adapter';
import type { RateLimiter } from '../http/rate-limit';

export async function handleQueuePage(
  _db: SqlDb,
  _req: http.IncomingMessage,
  res: http.ServerResponse,
  _url: URL,
  ctx: { limiter: RateLimiter; address: string; now: number },
): Promise<void> {
  if (!ctx.limiter.take(`page:${ctx.address}`, ctx.now)) {
    res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('查询太频繁，请稍后再试');
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('未找到');
}
