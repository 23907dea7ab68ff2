/** Small HTTP helpers shared by the service's routes. */
import type http from 'node:http';
import { MAX_PACKET_BYTES } from '../../shared/sync/protocol';

export class RequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function bearer(req: http.IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() || null : null;
}

export async function readJson(req: http.IncomingMessage, maxBytes = MAX_PACKET_BYTES): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new RequestError('request body too large', 413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new RequestError('request body must be JSON');
  }
}

/** A whole-number query parameter within [min, max]; `fallback` when absent (undefined: required). */
export function intParam(url: URL, name: string, min: number, max: number, fallback?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) {
    if (fallback === undefined) throw new RequestError(`the query parameter ${name} is required (${min}–${max})`);
    return fallback;
  }
  if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new RequestError(`${name} must be a whole number ${min}–${max}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}
