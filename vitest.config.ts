/**
 * Vitest (4.1) — two projects:
 *  - node:     test/**\/*.test.ts except test/renderer/** (engine, store,
 *              printing, sync, CLI, tooling). Tests of main-process code must
 *              vi.mock('electron', …): the real module downloads a binary.
 *  - renderer: test/renderer/**\/*.test.ts in happy-dom, with the Vue plugin.
 *
 * `npm test` first makes sure better-sqlite3 is built for Node's ABI
 * (scripts/native-abi.mjs node).
 */
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**', '**/node_modules/**'],
          // Generous: CI runs the whole suite on 2 loaded cores, and the e2e
          // shifts drive Chromium; a hang still fails, only later.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A failed browser test prints what its pages showed: CI keeps only the log.
          setupFiles: ['test/setup/report-failed-pages.ts'],
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
    ],
    // 2 cores here; better-sqlite3 tests are CPU- and fsync-bound.
    maxWorkers: 2,
    passWithNoTests: true,
  },
});
