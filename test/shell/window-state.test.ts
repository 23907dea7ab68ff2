import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, loadWindowState, parseWindowState, placeOnScreens, saveWindowState } from '../../electron/shell/window-state';
import { tempDir } from '../app/helpers';

describe('window state', () => {
  it('round-trips size, position and maximized through JSON', () => {
    const file = path.join(tempDir(), 'sub', 'window-state.json');
    saveWindowState(file, { width: 1400, height: 900, x: 50, y: 60, maximized: true });
    expect(loadWindowState(file)).toEqual({ width: 1400, height: 900, x: 50, y: 60, maximized: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ width: 1400 });
  });

  it('falls back to defaults on a missing, broken or odd file', () => {
    const dir = tempDir();
    expect(loadWindowState(path.join(dir, 'none.json'))).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(path.join(dir, 'bad.json'), '{not json');
    expect(loadWindowState(path.join(dir, 'bad.json'))).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState({ width: 10, height: 1e9, x: 1.5, y: 3, maximized: 'yes' })).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('drops a position that is no longer on any screen', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(placeOnScreens({ width: 1280, height: 800, x: 100, y: 100, maximized: false }, screens)).toMatchObject({ x: 100, y: 100 });
    expect(placeOnScreens({ width: 1280, height: 800, x: 3000, y: 100, maximized: false }, screens)).toEqual({ width: 1280, height: 800, maximized: false });
  });
});
