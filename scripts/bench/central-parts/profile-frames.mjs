/**
 * How profile-summary.mjs and profile-gaps.mjs name a .cpuprofile's frames:
 * a function with its file (paths inside this checkout made relative to it,
 * wherever the checkout lies; a library's as nm/<package>/…), and the
 * package or area it belongs to (a library, node:<module>, ours:<dir>/<dir>).
 */
import { fileURLToPath } from 'node:url';

/** This checkout's root as a file URL prefix (scripts/bench/central-parts/ is three levels down). */
const ROOT_URL = new URL('../../../', import.meta.url).href;
export const ROOT = fileURLToPath(ROOT_URL);

/** A frame of this checkout's own code (not a library's, not the runtime's). */
export const isOurs = (url) => url.startsWith(ROOT_URL) && !url.includes('node_modules');

const ours = (url) => (url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url);

export const label = (n) => {
  const f = n.callFrame;
  const url = ours(f.url.replace(/^.*node_modules\//, 'nm/'));
  return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
};

export const pkg = (n) => {
  const u = n.callFrame.url;
  const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (!u) return n.callFrame.functionName || '(native)';
  if (u.startsWith('node:')) return 'node:' + u.slice(5).split('/')[0];
  return 'ours:' + ours(u).split('/').slice(0, 2).join('/');
};
