/** The register backend: what the Electron shell and the browser test harness use. */
export * from './errors';
export * from './register';
export * from './handlers';
export * from './backups';
export * from './startup';
export { startupErrorHtml } from './refusal-page';
export * from './restore';
export * from './recovery';
export { hashPin, verifyPin } from './pin';
