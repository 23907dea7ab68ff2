/**
 * The locked-down web preferences every window of the register shares (the
 * counter, the refusal page, the customer display): no Node, sandboxed,
 * isolated, nothing that loads foreign content. Each window adds only its own
 * preload; DevTools only in development, so a packaged register never hands
 * its bridge to Ctrl+Shift+I.
 */
export function lockedDownWebPreferences(devTools: boolean) {
  return {
    devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}
