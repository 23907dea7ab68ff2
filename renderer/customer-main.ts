/**
 * The customer display's entry (客显, issue #12 §2). It only listens: the
 * customer window's preload exposes `window.customerDisplay.onState` and
 * nothing else (electron/shell/customer-preload.ts). No Pinia, no Element
 * Plus, no command bridge.
 */
import { createApp } from 'vue';
import CustomerDisplay from './customer/CustomerDisplay.vue';
import { makeI18n } from './i18n';

createApp(CustomerDisplay).use(makeI18n('zh-CN')).mount('#customer');
