/** The shell's OS secret box: the sync token is sealed by the OS key store, never stored in clear. */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { plainSecretBox, readSyncConfig, writeSyncConfig } from '../../electron/backend/sync/config';
import { openDatabase } from '../../electron/backend/store/database';
import { tempDir } from '../app/helpers';

vi.mock('electron', async () => {
  const { fake: f } = await import('./fake-electron');
  return { ...f.electron, default: f.electron };
});

describe('osSecretBox', () => {
  it('seals the token with safeStorage, reads it back, and still reads a token stored plain before a keyring existed', async () => {
    // Importing main runs bootstrap(): with the single-instance lock refused it quits at once, so no register
    // opens behind this test (no windows, no start-up backup still running when the temp folders go).
    const { fake } = await import('./fake-electron');
    fake.state.userData = tempDir();
    fake.state.lockGranted = false;
    const { osSecretBox } = await import('../../electron/shell/main').finally(() => {
      fake.state.lockGranted = true;
    });
    expect(fake.state.quit).toBeGreaterThan(0);
    const box = osSecretBox();
    const db = openDatabase(path.join(tempDir(), 'register.db'));
    writeSyncConfig(db, { token: 'secret-token-42' }, box);
    const stored = (db.prepare("SELECT value FROM app_meta WHERE key = 'sync.token'").get() as { value: string }).value;
    expect(stored.startsWith('os:')).toBe(true);
    expect(stored).not.toContain('secret-token-42');
    expect(readSyncConfig(db, box).token).toBe('secret-token-42');
    writeSyncConfig(db, { token: 'typed-before-keyring' }, plainSecretBox);
    expect(readSyncConfig(db, box).token).toBe('typed-before-keyring');
    db.close();
  });
});
