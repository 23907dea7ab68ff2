/**
 * 「从联盟服务器恢复」 on the start-up refusal page (issue 14 §1, docs/central.md
 * "Disaster recovery"): the manager restores a backup with a PIN of that
 * backup, and the register then fetches from the central service every event
 * it sent after the backup, so nothing it had sent is lost. The service's
 * address and the register's token come from the backup itself (the token
 * through the shell's SecretBox, bound to that address), so this is offered
 * only when the backup names both.
 *
 * The service is asked first (is it there, does it take the token?), before
 * anything is restored: a refusal then changes nothing.
 */
import Database from 'better-sqlite3';
import { AppError } from '../app/errors';
import { msg } from '../../../shared/messages/catalogue';
import { openDatabase } from '../store/database';
import { readSyncConfig, type SecretBox } from '../sync/config';
import { fetchServerState, recoverFromServer, RecoveryError, type RecoveryServerState } from './recover';

export interface BackupServer {
  url: string;
  token: string;
  allowInsecure: boolean;
}

/** What the refusal page shows once the register is rebuilt. */
export interface ServerRecoverySummary {
  events: number;
  toSeq: number;
  /** When the service last heard from this register (null: never). */
  lastSeenAt: number | null;
}

/** True when the backup names a service and holds a token (whether the token can be read is known only with the box). */
export function backupNamesServer(file: string, options: { nativeBinding?: string } = {}): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    const keys = db.prepare("SELECT key FROM app_meta WHERE key IN ('sync.url', 'sync.token')").pluck().all();
    return keys.length === 2;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** The address and token the backup holds, or an AppError the page shows in Chinese. */
export function backupServer(file: string, box: SecretBox | undefined, options: { nativeBinding?: string } = {}): BackupServer {
  if (!box) throw new AppError('rule', msg('recover.noServer'), { rule: 'recover-no-server' });
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    const config = readSyncConfig(db, box);
    if (!config.url || !config.token) throw new AppError('rule', msg('recover.noServer'), { rule: 'recover-no-server' });
    return { url: config.url, token: config.token, allowInsecure: config.allowInsecure ?? false };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('rule', msg('recover.noServer'), { rule: 'recover-no-server' });
  } finally {
    db?.close();
  }
}

/** Asks the service whether it is there and takes the token; nothing is restored yet. */
export async function checkServer(server: BackupServer): Promise<RecoveryServerState> {
  try {
    return await fetchServerState(server);
  } catch (error) {
    throw new AppError('rule', msg('recover.unreachable'), { rule: 'recover-unreachable' });
  }
}

/** Rebuilds the restored database at `dbFile` from the service (before the register opens, so nothing new is numbered first). */
export async function recoverRestored(dbFile: string, server: BackupServer, options: { nativeBinding?: string } = {}): Promise<ServerRecoverySummary> {
  const db = openDatabase(dbFile, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    const report = await recoverFromServer(db, server);
    return { events: report.events, toSeq: report.server.lastSeq, lastSeenAt: report.server.lastSeenAt };
  } catch (error) {
    if (error instanceof RecoveryError) throw new AppError('rule', msg('recover.failed'), { rule: 'recover-failed' });
    throw error;
  } finally {
    db.close();
  }
}
