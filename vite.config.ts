/**
 * One Vite config for the whole app:
 *  - the renderer (root: renderer/) builds to dist/;
 *  - vite-plugin-electron/simple builds electron/shell/main.ts to
 *    dist-electron/main.js (ESM), electron/backend/heavy/heavy-worker.ts to
 *    dist-electron/heavy-worker.js (the heavy-work thread) and electron/shell/preload.ts to
 *    dist-electron/preload.cjs and electron/shell/customer-preload.ts to
 *    dist-electron/customer-preload.cjs (CJS, for the sandboxed preloads);
 *  - the renderer has two pages: index.html (the counter) and customer.html (客显).
 *
 * `vite` (npm start) serves the renderer, builds main/preload in watch mode and
 * launches Electron; set ELECTRON_STARTUP_PREVENT=1 to serve without launching.
 * `vite build` (npm run build) never launches Electron.
 *
 * Tests use vitest.config.ts, not this file.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type UserConfig } from 'vite';
import electronBuild from 'vite-plugin-electron';
import electron from 'vite-plugin-electron/simple';
import pkg from './package.json' with { type: 'json' };

const root = path.dirname(fileURLToPath(import.meta.url));
const r = (...p: string[]) => path.resolve(root, ...p);

/**
 * Never bundled into the main process: Electron, Node built-ins and every
 * runtime `dependency` (better-sqlite3 is native; the others are loaded from
 * node_modules inside the packaged app, which electron-builder ships because
 * they are `dependencies`). Renderer-only libraries are devDependencies and
 * are bundled into dist/ by Vite.
 */
export const mainExternals: string[] = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies),
  // serialport (native, N-API prebuilds) is optional: loaded at run time where it installed.
  ...Object.keys(pkg.optionalDependencies),
];

/** Also externalize deep imports such as 'better-sqlite3/lib/...'. */
function isExternal(id: string): boolean {
  return mainExternals.some((name) => id === name || id.startsWith(`${name}/`));
}

/** The Vite options of the main-process build (exported for test/tooling). */
export const electronMainVite = {
  root,
  build: {
    outDir: r('dist-electron'),
    emptyOutDir: false,
    sourcemap: true,
    target: 'node22',
    rolldownOptions: { external: isExternal },
  },
} satisfies UserConfig;

/**
 * A sandboxed preload: CommonJS, importing only 'electron' (anything else
 * could not be loaded in the sandbox). Inline maps only while developing: the
 * packaged preload carries no source (docs/security.md §6).
 */
function sandboxedPreloadVite(command: 'build' | 'serve'): UserConfig {
  return {
    root,
    build: {
      outDir: r('dist-electron'),
      emptyOutDir: false,
      sourcemap: command === 'build' ? false : 'inline',
      target: 'node22',
      rolldownOptions: {
        external: ['electron'],
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: '[name].cjs',
        },
      },
    },
  };
}

/** The customer display's preload (exported for test/tooling): a sandboxed preload built in library mode, whose format wins over output.format. */
export function customerPreloadVite(command: 'build' | 'serve'): UserConfig {
  const base = sandboxedPreloadVite(command);
  return {
    ...base,
    build: {
      ...base.build,
      lib: { entry: r('electron/shell/customer-preload.ts'), formats: ['cjs'], fileName: () => 'customer-preload.cjs' },
    },
  };
}

/** Electron's sandbox needs a setuid helper on Linux that a dev checkout lacks. */
const electronArgv = process.platform === 'linux' ? ['.', '--no-sandbox'] : ['.'];

export default defineConfig(({ command, mode }) => {
  // `vite build` must never try to start Electron (its binary may be absent).
  if (command === 'build') process.env['ELECTRON_STARTUP_PREVENT'] = '1';
  // `vite --mode web` (npm run dev:web): the renderer alone, for browser tests.
  const withElectron = mode !== 'web';
  return {
    root: r('renderer'),
    base: './',
    publicDir: false,
    plugins: [
      vue(),
      withElectron && electron({
        main: {
          // main.js, and heavy-worker.js beside it: the worker thread of heavy work (electron/backend/heavy/run.ts).
          entry: [r('electron/shell/main.ts'), r('electron/backend/heavy/heavy-worker.ts')],
          // Launch from the project root (the plugin would use renderer/).
          onstart: async ({ startup }) => {
            await startup(electronArgv, { cwd: root });
          },
          vite: electronMainVite,
        },
        preload: {
          input: r('electron/shell/preload.ts'),
          vite: sandboxedPreloadVite(command),
        },
      }),
      // The customer display's own narrow preload (listen only). The simple
      // plugin builds one preload; this second build makes the same kind of
      // file, and on a change reloads the windows instead of restarting.
      withElectron && electronBuild([
        {
          entry: r('electron/shell/customer-preload.ts'),
          onstart: ({ reload }) => reload(),
          vite: customerPreloadVite(command),
        },
      ]),
    ],
    build: {
      outDir: r('dist'),
      emptyOutDir: true,
      target: 'chrome130',
      // The counter's page and the customer display's page (客显, its own window).
      rolldownOptions: { input: { index: r('renderer/index.html'), customer: r('renderer/customer.html') } },
    },
    server: {
      port: 5173,
      strictPort: false,
    },
  };
});
