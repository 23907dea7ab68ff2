// ESLint 9 flat config. Besides ordinary linting it ENFORCES THE LAYOUT:
//
//   shared/          pure TS: no Node built-ins, no electron, no DB/printer/
//                    socket libraries, no DOM or Node globals, no imports
//                    from the other folders.
//   renderer/        Vue app: no electron, no Node built-ins, no backend
//                    libraries, nothing from electron/, central/, scripts/.
//   electron/backend Node only: never 'electron', never renderer/ or shell/.
//   electron/shell   the only place that may import 'electron'.
//   central/         reference sync server (Node): no electron, no renderer.
//
// test/tooling/boundaries.test.ts checks that these rules really fire.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

/** Relative imports that reach into one of the named top-level folders. */
const intoFolders = (...folders) => ({
  regex: `^\\.{1,2}/(?:.*/)?(?:${folders.join('|')})(?:/|$)`,
  message: `This folder may not import from ${folders.join('/, ')}/ (see docs/stack.md, "Layout").`,
});

const NODE_MESSAGE = 'Node built-ins are not allowed here: this code also runs in the renderer.';
const ELECTRON_MESSAGE = "Only electron/shell/ may import 'electron' (and importing it under Node starts a download).";

const noNodeBuiltins = [
  ...nodeBuiltins.map((name) => ({ name, message: NODE_MESSAGE })),
  { name: 'electron', message: ELECTRON_MESSAGE },
];
const nodeProtocol = { regex: '^node:', message: NODE_MESSAGE };
const electronPackage = { regex: '^electron(?:/|$)', message: ELECTRON_MESSAGE };
const backendOnly = ['better-sqlite3', 'serialport', 'socket.io', 'socket.io-client'].map((name) => ({
  name,
  message: `'${name}' is backend-only (electron/backend/).`,
}));

/** Globals that do not exist in every runtime of shared/ code. */
const nodeGlobals = ['process', 'Buffer', 'global', '__dirname', '__filename', 'require', 'module', 'exports', 'setImmediate', 'clearImmediate'];
const domGlobals = ['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'self', 'alert'];
const restrictGlobals = (names, why) => names.map((name) => ({ name, message: `'${name}' is not available here: ${why}` }));

/** Dynamic import()/require() of forbidden modules (no-restricted-imports only sees static imports). */
const dynamicImportOf = (regex, message) => [
  { selector: `ImportExpression > Literal[value=/${regex}/]`, message },
  { selector: `CallExpression[callee.name='require'] > Literal[value=/${regex}/]`, message },
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'release/**', 'coverage/**', '.vite/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
    },
  },
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': 'off',
      // Receipt / ESC-POS code matches control bytes on purpose.
      'no-control-regex': 'off',
      // App components (Keypad, Receipt…) never clash with HTML elements here.
      'vue/multi-word-component-names': 'off',
    },
  },

  // ---- runtimes (globals) ---------------------------------------------------
  {
    files: ['electron/**', 'central/**', 'scripts/**', 'test/**', '*.config.{js,ts,mjs}', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**', 'test/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['shared/**'],
    languageOptions: { globals: { ...globals.es2021 } },
  },

  // ---- layout boundaries ---------------------------------------------------
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...noNodeBuiltins,
            ...backendOnly,
            ...['vue', 'pinia', 'vue-i18n', 'element-plus', 'iconv-lite', 'receiptline'].map((name) => ({
              name,
              message: `shared/ is pure TypeScript; '${name}' belongs to the renderer or the backend.`,
            })),
          ],
          patterns: [nodeProtocol, electronPackage, intoFolders('electron', 'renderer', 'central', 'scripts', 'test')],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...restrictGlobals(nodeGlobals, 'shared/ must run in Node and in the renderer (no Node globals).'),
        ...restrictGlobals(domGlobals, 'shared/ must run in Node and in the renderer (no DOM).'),
      ],
      'no-restricted-syntax': [
        'error',
        ...dynamicImportOf('^(node:|electron|better-sqlite3)', 'shared/ may not load Node, Electron or native modules.'),
        { selector: "CallExpression[callee.name='require']", message: 'shared/ is ES modules only: no require().' },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...noNodeBuiltins, ...backendOnly],
          patterns: [nodeProtocol, electronPackage, intoFolders('electron', 'central', 'scripts', 'test')],
        },
      ],
      'no-restricted-globals': ['error', ...restrictGlobals(nodeGlobals, 'the renderer is sandboxed; use window.cashier.')],
      'no-restricted-syntax': [
        'error',
        ...dynamicImportOf('^(node:|electron|better-sqlite3)', 'The renderer is sandboxed; use window.cashier.'),
      ],
    },
  },
  {
    files: ['electron/backend/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: ELECTRON_MESSAGE }],
          patterns: [electronPackage, intoFolders('renderer', 'shell', 'central', 'test')],
        },
      ],
      'no-restricted-syntax': ['error', ...dynamicImportOf('^electron($|[^a-z-])', ELECTRON_MESSAGE)],
    },
  },
  {
    files: ['electron/shell/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [intoFolders('renderer', 'central', 'test')] }],
    },
  },
  {
    files: ['central/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: ELECTRON_MESSAGE }],
          patterns: [electronPackage, intoFolders('renderer', 'shell')],
        },
      ],
    },
  },
  {
    files: ['scripts/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: ELECTRON_MESSAGE }], patterns: [electronPackage] }],
    },
  },
);
