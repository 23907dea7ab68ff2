/**
 * Changing a queue's settings layers (base from the alliance, cashier from the
 * store's manager): validated, audited field by field, and sent as one event.
 */
import { applySettingsChange, parseSettingsChange, resolveSettings, type SettingsChange, type SettingsLayer, type SettingsLayers } from '../settings';
import { run } from './due';
import { emit, type Session } from './session';
import { RuleError, type EngineContext, type Instant } from './types';

export interface SettingsChangeInput {
  at: Instant;
  base?: unknown;
  cashier?: unknown;
  actor: string;
  source: 'manager' | 'server' | 'scenario' | 'system';
}

export function changeSettings(ctx: EngineContext, input: SettingsChangeInput): SettingsLayers {
  const changes: Partial<Record<'base' | 'cashier', SettingsChange>> = {};
  try {
    if (input.base !== undefined) changes.base = parseSettingsChange(input.base, 'base settings');
    if (input.cashier !== undefined) changes.cashier = parseSettingsChange(input.cashier, 'cashier settings');
  } catch (error) {
    throw new RuleError('invalid-input', (error as Error).message);
  }
  return run(ctx, input.at, (s) => {
    const before = s.settings;
    const next: SettingsLayers = { ...s.queue.layers };
    for (const layer of ['base', 'cashier'] as const) {
      const change = changes[layer];
      if (!change) continue;
      next[layer] = applyLayerChange(s, layer, s.queue.layers[layer], change, input);
    }
    s.queue.layers = next;
    s.settings = resolveSettings(next);
    // A newly set schedule counts from now: resets it would have had in the past are not owed.
    if (JSON.stringify(before.reset) !== JSON.stringify(s.settings.reset)) s.queue.resetAnchor = input.at;
    if (JSON.stringify(before.randomReturn) !== JSON.stringify(s.settings.randomReturn)) s.queue.randomGroup = null;
    emit(s, 'queue.settings', input.at, { changes, actor: input.actor, source: input.source });
    return next;
  });
}

function applyLayerChange(s: Session, layer: 'base' | 'cashier', current: SettingsLayer, change: SettingsChange, input: SettingsChangeInput): SettingsLayer {
  let updated: SettingsLayer;
  try {
    updated = applySettingsChange(current, change);
  } catch (error) {
    throw new RuleError('invalid-input', (error as Error).message);
  }
  for (const field of Object.keys(change) as (keyof SettingsLayer)[]) {
    const oldValue = current[field] === undefined ? null : JSON.stringify(current[field]);
    const newValue = updated[field] === undefined ? null : JSON.stringify(updated[field]);
    if (oldValue === newValue) continue;
    s.ctx.store.appendSettingsAudit({ queueId: s.queue.id, layer, field, oldValue, newValue, actor: input.actor, source: input.source, at: input.at });
  }
  return updated;
}

