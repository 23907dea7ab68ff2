/**
 * Rebate settings in the console: read (every §6 field with both layers and
 * the base value's origin), save one section through `engine.changeSettings`
 * (one transaction; settings_audit old → new per field, actor = the
 * approving manager, source 'manager'), and the audit logs.
 *
 * The base layer is normally the central server's (pushed, source 'server').
 * A manager may edit it here only while no server is configured
 * (`app_meta sync.url` unset: an offline-only register), because a server
 * push would otherwise silently replace the local edit.
 */
import type { CommandOutput, ParsedCommandInput } from '../../../shared/contract';
import type { ManagerAuditView, SettingsAuditView, SettingsConsoleView } from '../../../shared/contract-manager';
import { changeSettings } from '../../../shared/engine/index';
import { settingsView, sortTiers, type BaseOrigin } from '../../../shared/manager/settings-view';
import { EMPTY_LAYERS, type SettingsChange, type SettingsField, type SettingsLayers } from '../../../shared/settings';
import { AppError } from '../app/errors';
import { msg } from '../../../shared/messages/catalogue';
import { auditActionMessage } from '../../../shared/messages/audit';
import { SYNC_META_KEYS } from '../sync/config';
import type { ManagerConsole } from './console';

interface AuditRow {
  id: number;
  queue_id: string;
  layer: 'base' | 'cashier';
  field: string;
  old_value: string | null;
  new_value: string | null;
  actor: string;
  /** From the join with cashiers (AUDIT_SELECT). */
  actor_name?: string | null;
  source: SettingsAuditView['source'];
  at: number;
}

/** settings_audit rows with the actor's name (a manager's id → their name). */
const AUDIT_SELECT = 'SELECT a.*, c.name AS actor_name FROM settings_audit a LEFT JOIN cashiers c ON c.id = a.actor';

function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}

export function auditView(row: AuditRow): SettingsAuditView {
  return {
    log: 'settings',
    id: row.id,
    at: row.at,
    layer: row.layer,
    field: row.field,
    oldValue: parseJson(row.old_value),
    newValue: parseJson(row.new_value),
    actor: row.actor,
    actorName: row.actor_name ?? null,
    source: row.source,
  };
}

export function currentLayers(c: ManagerConsole): SettingsLayers {
  return c.backend.store.loadQueue(c.backend.queueId)?.layers ?? EMPTY_LAYERS;
}

/** Whether a central server is configured (then the base layer belongs to it). */
export function serverConfigured(c: ManagerConsole): boolean {
  const row = c.db.prepare('SELECT value FROM app_meta WHERE key = ?').get(SYNC_META_KEYS.url) as { value: string } | undefined;
  return row !== undefined && row.value.trim() !== '';
}

/** Where each base field's current value came from: the newest base audit row per field. */
function baseOrigins(c: ManagerConsole, layers: SettingsLayers): Partial<Record<SettingsField, BaseOrigin>> {
  const rows = c.db
    .prepare(
      `SELECT a.field, a.source, a.actor, a.at, a.new_value FROM settings_audit a
       JOIN (SELECT field, max(id) AS id FROM settings_audit WHERE queue_id = ? AND layer = 'base' GROUP BY field) m ON m.id = a.id`,
    )
    .all(c.backend.queueId) as { field: SettingsField; source: string; actor: string; at: number; new_value: string | null }[];
  const pushedAtCreation = (c.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'").get() &&
    (c.db.prepare('SELECT base_settings FROM sync_state WHERE id = 1').get() as { base_settings: string | null } | undefined)?.base_settings) as string | null | undefined;
  const origins: Partial<Record<SettingsField, BaseOrigin>> = {};
  const byField = new Map(rows.map((r) => [r.field, r]));
  for (const field of Object.keys(layers.base) as SettingsField[]) {
    const row = byField.get(field);
    if (row) origins[field] = { source: row.source === 'server' ? 'server' : 'local', at: row.at, actor: row.actor };
    // No audit row: the queue started with this base layer — the server's last push if there was one.
    else origins[field] = { source: pushedAtCreation ? 'server' : 'local', at: null, actor: null };
  }
  for (const field of byField.keys()) {
    if (layers.base[field] === undefined) origins[field] = { source: 'default', at: byField.get(field)!.at, actor: byField.get(field)!.actor };
  }
  return origins;
}

export function consoleView(c: ManagerConsole): SettingsConsoleView {
  const layers = currentLayers(c);
  const server = serverConfigured(c);
  return {
    fields: settingsView(layers, baseOrigins(c, layers)),
    layers,
    baseEditable: !server,
    baseEditableReason: server ? msg('manager.baseEditableServer') : msg('manager.baseEditableLocal'),
  };
}

export async function getSettings(c: ManagerConsole, input: ParsedCommandInput<'manager.settings.get'>): Promise<SettingsConsoleView> {
  await c.authorize(input.managerPin, 'settings.get');
  return consoleView(c);
}

export async function saveSettings(c: ManagerConsole, input: ParsedCommandInput<'manager.settings.save'>): Promise<CommandOutput<'manager.settings.save'>> {
  const manager = await c.authorize(input.managerPin, 'settings.save');
  if (input.layer === 'base' && serverConfigured(c)) {
    throw new AppError('rule', msg('manager.baseFromServer'), {
      rule: 'base-from-server',
    });
  }
  const changes: SettingsChange = { ...(input.changes as SettingsChange) };
  if (changes.tiers) changes.tiers = sortTiers(changes.tiers);
  const fields = Object.keys(changes);
  if (fields.length === 0) return { settings: consoleView(c), changed: [] };
  const queueId = c.backend.queueId;
  const changed = c.backend.store.transaction(() => {
    const lastId = (c.db.prepare('SELECT coalesce(max(id), 0) AS id FROM settings_audit').get() as { id: number }).id;
    changeSettings(c.engineContext(), { at: c.backend.now(), [input.layer]: changes, actor: manager.id, source: 'manager' });
    const rows = c.db.prepare(`${AUDIT_SELECT} WHERE a.queue_id = ? AND a.id > ? ORDER BY a.id`).all(queueId, lastId) as AuditRow[];
    c.audit(manager, 'settings.save', { layer: input.layer, fields, auditIds: rows.map((r) => r.id) });
    return rows.map(auditView);
  });
  return { settings: consoleView(c), changed };
}

export async function listAudit(c: ManagerConsole, input: ParsedCommandInput<'manager.audit.list'>): Promise<CommandOutput<'manager.audit.list'>> {
  await c.authorize(input.managerPin, 'audit.list');
  const before = input.beforeId ?? Number.MAX_SAFE_INTEGER;
  let rows: (SettingsAuditView | ManagerAuditView)[];
  if (input.log === 'settings') {
    rows = (
      c.db.prepare(`${AUDIT_SELECT} WHERE a.queue_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?`).all(c.backend.queueId, before, input.limit) as AuditRow[]
    ).map(auditView);
  } else {
    const raw = c.db
      .prepare(
        `SELECT a.id, a.at, a.manager_id, c.name AS manager_name, a.cashier_id, s.name AS cashier_name, a.action, a.detail
         FROM manager_audit a LEFT JOIN cashiers c ON c.id = a.manager_id LEFT JOIN cashiers s ON s.id = a.cashier_id
         WHERE a.id < ? ORDER BY a.id DESC LIMIT ?`,
      )
      .all(before, input.limit) as { id: number; at: number; manager_id: string | null; manager_name: string | null; cashier_id: string | null; cashier_name: string | null; action: string; detail: string }[];
    rows = raw.map((r) => ({
      log: 'actions',
      id: r.id,
      at: r.at,
      managerId: r.manager_id,
      managerName: r.manager_name,
      cashierId: r.cashier_id,
      cashierName: r.cashier_name,
      action: r.action,
      detail: JSON.parse(r.detail) as unknown,
      says: auditActionMessage(r.action, JSON.parse(r.detail) as unknown),
    }));
  }
  return { rows, nextBeforeId: rows.length === input.limit ? rows[rows.length - 1]!.id : null };
}
