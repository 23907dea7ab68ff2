/// <reference types="vite/client" />
/// <reference types="element-plus/global" />
import type { CashierApi } from '../shared/contract';

declare global {
  interface Window {
    /** Exposed by the preload (electron/shell/preload.ts), or installed by the e2e harness. */
    cashier?: CashierApi;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// data-* attributes (test hooks, state for CSS) on elements and components.
declare module '@vue/runtime-dom' {
  interface HTMLAttributes {
    [key: `data-${string}`]: unknown;
  }
}
declare module '@vue/runtime-core' {
  interface AllowedComponentProps {
    [key: `data-${string}`]: unknown;
    /** vue-tsc camelizes `data-test` on components to `dataTest`. */
    [key: `data${Capitalize<string>}`]: unknown;
  }
}

export {};
