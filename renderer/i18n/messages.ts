/**
 * The renderer's translator of backend messages (shared/messages/catalogue.ts):
 * `{ code, params }` → a sentence in the UI language, each parameter
 * formatted by its kind — money ¥1,234.50, ratios %, instants in local
 * time, rule / field / tender / level keys by their names. No English and
 * no raw key reaches a Chinese screen from here.
 *
 * Adding a message: the catalogue line, a line in ZH_MESSAGES and a line in
 * EN_MESSAGES (both typed `MessageTexts`, so a missing one does not compile).
 */
import { reactive } from 'vue';
import { fillTemplate, isMessageCode, type Message, type MessageTexts, type ParamKind } from '../../shared/messages/catalogue';
import { EN_MESSAGES } from '../../shared/messages/en';
import { levelDisplayName, type LevelNames } from '../../shared/levels';
import { SETTINGS_FIELDS } from '../../shared/manager/settings-view';
import { dateTime, percent } from '../format';
import { yuan } from '../money-input';
import { orderNumber } from '../../shared/order-number';
import { formatBytes } from '../../shared/bytes';
import en from './en';
import { ZH_MESSAGES } from './messages.zh-CN';
import zhCN from './zh-CN';

export type UiLocale = 'zh-CN' | 'en';

export const MESSAGE_TEXTS: Readonly<Record<UiLocale, MessageTexts>> = { 'zh-CN': ZH_MESSAGES, en: EN_MESSAGES };

/** The UI language for code that has no `useI18n()` (stores, `errorMessage`); set by makeI18n and the language switch. */
const state = reactive({ locale: 'zh-CN' as UiLocale, levelNames: {} as LevelNames, knownLevels: [] as string[] });

export function setMessageLocale(locale: UiLocale): void {
  state.locale = locale;
}

export function messageLocale(): UiLocale {
  return state.locale;
}

/** Level display names in force (settings `levelNames`, pushed by the server or set in the console) and the levels known. */
export function setLevelNames(names: LevelNames | null | undefined, known: readonly string[] = []): void {
  state.levelNames = { ...(names ?? {}) };
  state.knownLevels = [...new Set([...known, ...Object.keys(names ?? {})])];
}

/** Every level key the register knows (ratios and names in either layer), for a choice by name in the console. */
export function knownLevelKeys(): readonly string[] {
  return state.knownLevels;
}

/** A member level for a person: 金卡会员, never `gold`. */
export function levelName(key: string | null | undefined, locale: UiLocale = state.locale): string {
  if (key === null || key === undefined || key === '') return '—';
  return levelDisplayName(key, state.levelNames, state.knownLevels, locale === 'en' ? 'en' : 'zh');
}

function ruleName(rule: string, locale: UiLocale): string {
  const table = (locale === 'en' ? en : zhCN).rules as Record<string, string>;
  return table[rule.replace(/\./g, '_')] ?? (locale === 'en' ? 'another rule' : '其他规则');
}

function tenderName(kind: string, locale: UiLocale): string {
  const table = (locale === 'en' ? en : zhCN).tender as Record<string, string>;
  return table[kind] ?? (locale === 'en' ? 'other' : '其他');
}

function fieldName(field: string, locale: UiLocale): string {
  const info = SETTINGS_FIELDS.find((f) => f.field === field);
  if (info) return locale === 'en' ? info.en : info.zh;
  return locale === 'en' ? 'a setting' : '某项设置';
}

/** Store / printer / sync setting keys (app_meta) as a person names them. */
const ITEM_LABELS: Record<string, { zh: string; en: string }> = {
  'store.name': { zh: '门店名称', en: 'store name' },
  'store.address': { zh: '地址', en: 'address' },
  'receipt.header': { zh: '小票抬头', en: 'receipt header' },
  'receipt.footer': { zh: '小票页脚', en: 'receipt footer' },
  'printer.uri': { zh: '打印机地址', en: 'printer address' },
  'printer.width': { zh: '纸宽', en: 'paper width' },
  'printer.commandSet': { zh: '指令集', en: 'command set' },
  'printer.copies': { zh: '份数', en: 'copies' },
  'printer.timeoutMs': { zh: '超时', en: 'timeout' },
  'printer.confirm': { zh: '打印确认', en: 'print confirmation' },
  'printer.drawer': { zh: '钱箱', en: 'cash drawer' },
  'sync.url': { zh: '服务器地址', en: 'server address' },
  'sync.storeId': { zh: '门店编号', en: 'store id' },
  'sync.registerId': { zh: '收银台编号', en: 'register id' },
  'sync.token': { zh: '令牌', en: 'token' },
  'sync.allowInsecure': { zh: '允许非加密连接', en: 'insecure connections' },
};

function listOf(keys: string, name: (key: string) => string, locale: UiLocale): string {
  const names = keys.split(',').filter((k) => k !== '').map(name);
  return names.length ? names.join(locale === 'en' ? ', ' : '、') : locale === 'en' ? '(nothing)' : '（无）';
}

function itemName(key: string, locale: UiLocale): string {
  const label = ITEM_LABELS[key];
  if (label) return locale === 'en' ? label.en : label.zh;
  return locale === 'en' ? 'another item' : '其他项';
}

export function formatParam(kind: ParamKind, value: string | number, locale: UiLocale): string {
  switch (kind) {
    case 'fen':
      return yuan(Number(value));
    case 'bp':
      return percent(Number(value));
    case 'instant':
      return dateTime(Number(value));
    case 'count':
      return String(value);
    case 'rule':
      return ruleName(String(value), locale);
    case 'tender':
      return tenderName(String(value), locale);
    case 'field':
      return fieldName(String(value), locale);
    case 'level':
      return levelName(String(value), locale);
    case 'fields':
      return listOf(String(value), (f) => fieldName(f, locale), locale);
    case 'items':
      return listOf(String(value), (k) => itemName(k, locale), locale);
    case 'order':
      return orderNumber(String(value));
    case 'bytes':
      return formatBytes(Number(value), locale === 'en' ? 'en' : 'zh');
    case 'text':
      return String(value);
  }
}

/** The sentence of a message in the UI language. An unknown code (a newer backend) says so in that language. */
export function messageText(message: Message | null | undefined, locale: UiLocale = state.locale): string {
  if (!message || !isMessageCode(message.code)) return MESSAGE_TEXTS[locale].internal;
  return fillTemplate(MESSAGE_TEXTS[locale][message.code], message, (kind, value) => formatParam(kind, value, locale));
}
