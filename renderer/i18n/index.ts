import { watch } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en';
import { setMessageLocale } from './messages';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'cashier.locale';

function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage unavailable: default
  }
  return 'zh-CN';
}

export function makeI18n(locale: Locale = initialLocale()) {
  const i18n = createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en } as Record<Locale, typeof zhCN>,
    missingWarn: false,
    fallbackWarn: false,
  });
  // Backend messages (errorMessage, stores) follow the same language.
  watch(() => i18n.global.locale.value as Locale, setMessageLocale, { immediate: true });
  return i18n;
}

export function rememberLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // ignore
  }
}
