/**
 * Store details, printer and sync settings: the `app_meta` keys defined by
 * docs/printing.md (electron/backend/printing/settings.ts) and
 * electron/backend/sync/config.ts. Each section is saved on its own, in one
 * transaction with its manager_audit row (old → new per key). The sync token
 * is only ever written through the SecretBox and never returned: the view
 * says whether one is set, and the audit row says "(changed)".
 */
import type { ParsedCommandInput } from '../../../shared/contract';
import type { DetailsView } from '../../../shared/contract-manager';
import { getMeta, META_KEYS, readPrinterSettings, setMeta } from '../printing/settings';
import { parsePrinterUri, PrinterAddressError } from '../printing/transport';
import { checkServerUrl, SYNC_META_KEYS, writeSyncConfig } from '../sync/config';
import { AppError } from '../app/errors';
import { msg, type Message } from '../../../shared/messages/catalogue';
import { englishText } from '../../../shared/messages/en';
import { REFUND_CLOSED_DAYS_META } from '../app/orders';
import { ManagerInputError, type ManagerConsole } from './console';

const SECRET = '(changed)';

function meta(c: ManagerConsole, key: string): string | null {
  const value = getMeta(c.db, key);
  return value === undefined || value === '' ? null : value;
}

/** One invalid field as a ManagerInputError (the English message of the reason is the log's). */
export function inputError(path: string, reason: Message): ManagerInputError {
  return new ManagerInputError(reason, [{ path, message: englishText(reason), reason }]);
}

/** sync/config.ts says why an address is refused in English; the screen gets the matching code. */
export function syncUrlReason(english: string, url: string): Message {
  if (/unencrypted/.test(english)) return msg('sync.insecureUrl', { url });
  if (/not a URL/.test(english)) return msg('sync.badUrl', { url });
  return msg('sync.badScheme', { url });
}

export function detailsView(c: ManagerConsole): DetailsView {
  let printer: DetailsView['printer'];
  try {
    const p = readPrinterSettings(c.db);
    printer = { uri: p.uri, width: p.width, commandSet: p.commandSet, copies: p.copies, timeoutMs: p.timeoutMs, confirm: p.confirm, drawer: p.drawer, error: null };
  } catch (error) {
    printer = { uri: meta(c, META_KEYS.printerUri), width: 80, commandSet: 'epson', copies: 1, timeoutMs: 5000, confirm: 'status', drawer: true, error: msg('printer.storedUnreadable') };
    c.backend.log.warn(`stored printer settings unreadable: ${(error as Error).message}`);
  }
  const url = meta(c, SYNC_META_KEYS.url);
  const storeId = meta(c, SYNC_META_KEYS.storeId);
  const registerId = meta(c, SYNC_META_KEYS.registerId);
  const tokenSet = meta(c, SYNC_META_KEYS.token) !== null;
  const tokenInClear = meta(c, SYNC_META_KEYS.token)?.startsWith('plain:') ?? false;
  return {
    store: {
      name: meta(c, META_KEYS.storeName),
      address: meta(c, META_KEYS.storeAddress),
      header: meta(c, META_KEYS.header),
      footer: meta(c, META_KEYS.footer),
      lookupUrl: meta(c, META_KEYS.lookupUrl),
      refundClosedDays: meta(c, REFUND_CLOSED_DAYS_META) === 'forbid' ? 'forbid' : 'allow',
    },
    printer,
    sync: {
      url,
      storeId,
      registerId,
      tokenSet,
      allowInsecure: meta(c, SYNC_META_KEYS.allowInsecure) === 'true',
      configured: url !== null && storeId !== null && registerId !== null && tokenSet,
      tokenInClear,
    },
  };
}

export async function getDetails(c: ManagerConsole, input: ParsedCommandInput<'manager.details.get'>): Promise<DetailsView> {
  await c.authorize(input.managerPin, 'details.get');
  return detailsView(c);
}

/** Writes key → value (null deletes) and returns the old → new pairs that changed. */
function writeKeys(c: ManagerConsole, values: Record<string, string | null | undefined>, secretKeys: string[] = []): Record<string, { old: string | null; new: string | null }> {
  const changes: Record<string, { old: string | null; new: string | null }> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const old = getMeta(c.db, key) ?? null;
    const next = value === null || value === '' ? null : value;
    if (old === next) continue;
    if (next === null) c.db.prepare('DELETE FROM app_meta WHERE key = ?').run(key);
    else setMeta(c.db, key, next);
    changes[key] = secretKeys.includes(key) ? { old: old === null ? null : SECRET, new: next === null ? null : SECRET } : { old, new: next };
  }
  return changes;
}

export async function saveStore(c: ManagerConsole, input: ParsedCommandInput<'manager.store.save'>): Promise<DetailsView> {
  const manager = await c.authorize(input.managerPin, 'store.save');
  c.db.transaction(() => {
    const changes = writeKeys(c, {
      [META_KEYS.storeName]: input.name,
      [META_KEYS.storeAddress]: input.address,
      [META_KEYS.header]: input.header,
      [META_KEYS.footer]: input.footer,
      [META_KEYS.lookupUrl]: input.lookupUrl,
      // 'allow' is the default: stored as no key.
      [REFUND_CLOSED_DAYS_META]: input.refundClosedDays === undefined ? undefined : input.refundClosedDays === 'forbid' ? 'forbid' : null,
    });
    if (Object.keys(changes).length > 0) c.audit(manager, 'store.save', changes);
  })();
  return detailsView(c);
}

export async function savePrinter(c: ManagerConsole, input: ParsedCommandInput<'manager.printer.save'>): Promise<DetailsView> {
  const manager = await c.authorize(input.managerPin, 'printer.save');
  let uri = input.uri;
  if (uri !== undefined && uri !== null && uri !== '' && uri.toLowerCase() !== 'none') {
    try {
      parsePrinterUri(uri);
    } catch (error) {
      const problem = error instanceof PrinterAddressError ? error.problem : 'bad-address';
      const reason =
        problem === 'bad-port' ? msg('printer.badPort', { address: uri })
        : problem === 'not-a-device' ? msg('printer.notADevice', { address: uri })
        : problem === 'bad-baud' ? msg('printer.badBaud', { address: uri })
        : problem === 'bad-name' ? msg('printer.badName', { address: uri })
        : msg('printer.badAddress', { address: uri });
      throw inputError('uri', reason);
    }
  }
  if (uri !== undefined && uri !== null && uri.toLowerCase() === 'none') uri = null;
  c.db.transaction(() => {
    const changes = writeKeys(c, {
      [META_KEYS.printerUri]: uri,
      [META_KEYS.printerWidth]: input.width === undefined ? undefined : String(input.width),
      [META_KEYS.printerCommandSet]: input.commandSet,
      [META_KEYS.printerCopies]: input.copies === undefined ? undefined : String(input.copies),
      [META_KEYS.printerTimeoutMs]: input.timeoutMs === undefined ? undefined : String(input.timeoutMs),
      [META_KEYS.printerConfirm]: input.confirm,
      [META_KEYS.printerDrawer]: input.drawer === undefined ? undefined : input.drawer ? 'on' : 'off',
    });
    if (Object.keys(changes).length > 0) c.audit(manager, 'printer.save', changes);
  })();
  // The print worker and the status bar look at the new settings at once (issue 10 §5).
  c.backend.notifyChanged();
  return detailsView(c);
}

export async function saveSync(c: ManagerConsole, input: ParsedCommandInput<'manager.sync.save'>): Promise<DetailsView> {
  const manager = await c.authorize(input.managerPin, 'sync.save');
  if (input.url !== undefined) {
    const allow = input.allowInsecure ?? getMeta(c.db, SYNC_META_KEYS.allowInsecure) === 'true';
    try {
      checkServerUrl(input.url, allow);
    } catch (error) {
      throw inputError('url', syncUrlReason((error as Error).message, input.url));
    }
  }
  if (input.token !== undefined && !c.secretBox) {
    throw new AppError('rule', msg('manager.noSecretStore'), { rule: 'no-secret-store' });
  }
  // No OS key store: the token would be kept unencrypted. Never silently: the manager is told and must agree.
  const inClear = input.token !== undefined && c.secretBox?.inClear === true;
  if (inClear && input.storeTokenInClear !== true) {
    throw new AppError('rule', msg('sync.tokenInClearConfirm'), { rule: 'token-in-clear' });
  }
  c.db.transaction(() => {
    const before = {
      url: getMeta(c.db, SYNC_META_KEYS.url) ?? null,
      storeId: getMeta(c.db, SYNC_META_KEYS.storeId) ?? null,
      registerId: getMeta(c.db, SYNC_META_KEYS.registerId) ?? null,
      token: getMeta(c.db, SYNC_META_KEYS.token) ?? null,
      allowInsecure: getMeta(c.db, SYNC_META_KEYS.allowInsecure) ?? null,
    };
    const config = {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.storeId !== undefined ? { storeId: input.storeId } : {}),
      ...(input.registerId !== undefined ? { registerId: input.registerId } : {}),
      ...(input.token !== undefined ? { token: input.token } : {}),
      ...(input.allowInsecure !== undefined ? { allowInsecure: input.allowInsecure } : {}),
    };
    // The sync module's own writer: it checks the address again and encrypts the token.
    writeSyncConfig(c.db, config, c.secretBox ?? { encrypt: () => '', decrypt: () => '' });
    const changes: Record<string, { old: string | null; new: string | null }> = {};
    for (const [field, key] of Object.entries({ url: SYNC_META_KEYS.url, storeId: SYNC_META_KEYS.storeId, registerId: SYNC_META_KEYS.registerId, allowInsecure: SYNC_META_KEYS.allowInsecure })) {
      const after = getMeta(c.db, key) ?? null;
      const old = before[field as keyof typeof before];
      if (after !== old) changes[key] = { old, new: after };
    }
    if (input.token !== undefined) changes[SYNC_META_KEYS.token] = { old: before.token === null ? null : SECRET, new: SECRET };
    if (inClear) changes['sync.tokenInClear'] = { old: null, new: 'true' };
    else if (before.token !== null && getMeta(c.db, SYNC_META_KEYS.token) === undefined) changes[SYNC_META_KEYS.token] = { old: SECRET, new: null };
    if (Object.keys(changes).length > 0) c.audit(manager, 'sync.save', changes);
  })();
  // The sync supervisor restarts its client from the new settings and the status bar follows at once.
  c.backend.notifyChanged();
  return detailsView(c);
}
