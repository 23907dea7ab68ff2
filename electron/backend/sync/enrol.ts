/**
 * Enrolment: the register trades the one-time code the alliance gave its
 * manager (`npm run central -- admin add-register STORE REGISTER`) for its
 * own token, bound by the service to that store and register, and saves
 * address, store, register and token together. A refused code changes
 * nothing. The service's answer is checked like any message from it.
 */
import { z } from 'zod';
import type { Db } from '../store/database';
import { checkServerUrl, writeSyncConfig, type SecretBox } from './config';

/** Why an enrolment failed, for a screen that says it in its own language (the message is the CLI's). */
export type EnrolFailure = 'bad-code' | 'code-refused' | 'unreachable' | 'too-often' | 'server-error' | 'bad-answer';

export class EnrolError extends Error {
  override name = 'EnrolError';
  constructor(
    message: string,
    readonly kind: EnrolFailure,
  ) {
    super(message);
  }
}

const answerSchema = z.strictObject({
  storeId: z.string().min(1).max(128),
  registerId: z.string().min(1).max(128),
  token: z.string().min(20).max(1024),
});

export interface EnrolOptions {
  url: string;
  code: string;
  box: SecretBox;
  allowInsecure?: boolean;
  /** Default 15 s. */
  timeoutMs?: number;
}

export async function enrolRegister(db: Db, options: EnrolOptions): Promise<{ storeId: string; registerId: string }> {
  const server = checkServerUrl(options.url, options.allowInsecure ?? false);
  const code = options.code.trim();
  if (!/^[0-9A-Za-z -]{4,64}$/.test(code)) throw new EnrolError('注册码格式不对：请照联盟给的注册码（如 ABCD-EFGH-…）原样输入', 'bad-code');
  const endpoint = new URL('/enrol', server.origin.replace(/^ws/, 'http'));
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new EnrolError(`连接不到中心服务 ${server.origin}：请检查地址和网络后重试（${error instanceof Error ? error.message : String(error)}）`, 'unreachable');
  }
  if (res.status === 400) throw new EnrolError('注册码未知、已使用或已过期：请向联盟索取新的注册码', 'code-refused');
  if (res.status === 429) throw new EnrolError('尝试太频繁：请一分钟后再试', 'too-often');
  if (!res.ok) throw new EnrolError(`中心服务暂时无法注册（HTTP ${res.status}）：请稍后重试`, 'server-error');
  const parsed = answerSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new EnrolError('中心服务的回答无法识别：请确认地址指向联盟的中心服务', 'bad-answer');
  const { storeId, registerId, token } = parsed.data;
  writeSyncConfig(db, { url: options.url, storeId, registerId, token, ...(options.allowInsecure !== undefined ? { allowInsecure: options.allowInsecure } : {}) }, options.box);
  return { storeId, registerId };
}
