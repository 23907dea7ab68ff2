/**
 * The window's size and position, remembered as JSON in the user data folder.
 * Plain Node (no 'electron' import) so it is tested without Electron. A saved
 * position that is no longer on any screen (a monitor was unplugged) is
 * dropped, so the window never opens out of sight.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export const MIN_SIZE = { width: 1024, height: 640 } as const;
export const DEFAULT_WINDOW_STATE: WindowState = Object.freeze({ width: 1280, height: 800, maximized: false });

const int = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

/** Parses what was saved; anything odd falls back to the defaults. */
export function parseWindowState(raw: unknown): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const width = int(r['width'], MIN_SIZE.width, 16_384) ?? DEFAULT_WINDOW_STATE.width;
  const height = int(r['height'], MIN_SIZE.height, 16_384) ?? DEFAULT_WINDOW_STATE.height;
  const x = int(r['x'], -32_768, 32_767);
  const y = int(r['y'], -32_768, 32_767);
  return { width, height, ...(x !== undefined && y !== undefined ? { x, y } : {}), maximized: r['maximized'] === true };
}

export function loadWindowState(file: string): WindowState {
  try {
    return parseWindowState(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, JSON.stringify(parseWindowState(state)));
  renameSync(partial, file);
}

/** Keeps the position only if at least 100×100 px of the window lands on a screen's work area. */
export function placeOnScreens(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y, width, height } = state as Required<WindowState>;
  const visible = workAreas.some((a) => {
    const w = Math.min(x + width, a.x + a.width) - Math.max(x, a.x);
    const h = Math.min(y + height, a.y + a.height) - Math.max(y, a.y);
    return w >= 100 && h >= 100;
  });
  if (visible) return state;
  return { width: state.width, height: state.height, maximized: state.maximized };
}
