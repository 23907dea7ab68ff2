/**
 * Enrolment from the manager console (issue 13 §2): the manager types the
 * server address and the one-time code the alliance operator gave; the
 * register trades it for its token (sync/enrol.ts, the same path as
 * `pos enrol`) and keeps address, store, register and token together, the
 * token bound to that address through the SecretBox. A refused code, an
 * unreachable server or a strange answer changes nothing and is said in
 * the screen's language.
 */
import type { CashierView, ParsedCommandInput } from '../../../shared/contract';
import type { DetailsView } from '../../../shared/contract-manager';
import { msg, type Message } from '../../../shared/messages/catalogue';
import { AppError } from '../app/errors';
import { getMeta } from '../printing/settings';
import { checkServerUrl, SYNC_META_KEYS, type SecretBox } from '../sync/config';
import { enrolRegister, EnrolError, type EnrolFailure } from '../sync/enrol';
import { type ManagerConsole } from './console';
import { detailsView, inputError, syncUrlReason } from './details';

function failureReason(kind: EnrolFailure, url: string): Message {
  switch (kind) {
    case 'bad-code':
      return msg('sync.enrol.badCode');
    case 'code-refused':
      return msg('sync.enrol.codeRefused');
    case 'unreachable':
      return msg('sync.enrol.unreachable', { url });
    case 'too-often':
      return msg('sync.enrol.tooOften');
    case 'server-error':
      return msg('sync.enrol.serverError');
    case 'bad-answer':
      return msg('sync.enrol.badAnswer');
  }
}

export async function enrolSync(c: ManagerConsole, input: ParsedCommandInput<'manager.sync.enrol'>): Promise<DetailsView> {
  const manager = await c.authorize(input.managerPin, 'sync.enrol');
  const allowInsecure = input.allowInsecure ?? getMeta(c.db, SYNC_META_KEYS.allowInsecure) === 'true';
  try {
    checkServerUrl(input.url, allowInsecure);
  } catch (error) {
    throw inputError('url', syncUrlReason((error as Error).message, input.url));
  }
  if (!/^[0-9A-Za-z -]{4,64}$/.test(input.code)) throw inputError('code', msg('sync.enrol.badCode'));
  if (!c.secretBox) throw new AppError('rule', msg('manager.noSecretStore'), { rule: 'no-secret-store' });
  // No OS key store: asked before the code is spent, since a used code cannot be used again.
  if (c.secretBox.inClear === true && input.storeTokenInClear !== true) {
    throw new AppError('rule', msg('sync.tokenInClearConfirm'), { rule: 'token-in-clear' });
  }
  // One enrolment at a time: two at once would spend two codes, enrol two registers at the service and keep one token.
  if (enrolling.has(c)) throw new AppError('rule', msg('sync.enrol.running'), { rule: 'enrol-running' });
  enrolling.add(c);
  try {
    return await enrolOnce(c, manager, input, { allowInsecure, box: c.secretBox });
  } finally {
    enrolling.delete(c);
  }
}

/** The consoles with an enrolment under way. */
const enrolling = new WeakSet<ManagerConsole>();

async function enrolOnce(
  c: ManagerConsole,
  manager: CashierView,
  input: ParsedCommandInput<'manager.sync.enrol'>,
  { allowInsecure, box }: { allowInsecure: boolean; box: SecretBox },
): Promise<DetailsView> {
  const before = (key: string) => getMeta(c.db, key) ?? null;
  const old = { url: before(SYNC_META_KEYS.url), storeId: before(SYNC_META_KEYS.storeId), registerId: before(SYNC_META_KEYS.registerId), token: before(SYNC_META_KEYS.token) };
  let enrolled: { storeId: string; registerId: string };
  try {
    enrolled = await enrolRegister(c.db, { url: input.url, code: input.code, box, allowInsecure });
  } catch (error) {
    if (!(error instanceof EnrolError)) throw error;
    c.backend.log.warn(`enrolment refused (${error.kind}): ${error.message}`);
    throw new AppError('rule', failureReason(error.kind, input.url), { rule: `enrol-${error.kind}` });
  }
  // The code itself is never written down (it is spent; the token stands for it).
  c.audit(
    manager,
    'sync.save',
    {
      [SYNC_META_KEYS.url]: { old: old.url, new: input.url },
      [SYNC_META_KEYS.storeId]: { old: old.storeId, new: enrolled.storeId },
      [SYNC_META_KEYS.registerId]: { old: old.registerId, new: enrolled.registerId },
      [SYNC_META_KEYS.token]: { old: old.token === null ? null : '(changed)', new: '(changed)' },
    },
    { afterTheFact: true },
  );
  c.backend.notifyChanged();
  return detailsView(c);
}
