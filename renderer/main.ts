/** Renderer entry: Vue 3 + Pinia + vue-i18n (zh-CN default) + Element Plus (zh-cn locale). */
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { makeI18n } from './i18n';
import './styles.css';

performance.mark('app:start');

createApp(App).use(createPinia()).use(makeI18n()).use(ElementPlus).mount('#app');
