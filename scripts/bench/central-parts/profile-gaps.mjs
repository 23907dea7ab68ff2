/**
 * What the service did during its loop stalls: the samples of a .cpuprofile
 * that fall inside the gaps recorded by loop-gaps.mjs (over MIN ms, default
 * 80), summed by package, by function (self), by the first frame of ours or
 * a library's (what started the work) and inclusive. Usage in loop-gaps.mjs.
 *
 *   node scripts/bench/central-parts/profile-gaps.mjs PROFILE.cpuprofile GAPS.json [MIN]
 */
import { readFileSync } from 'node:fs';
import { isOurs, label, pkg } from './profile-frames.mjs';
const [file, gapsFile, minMs] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const gaps = JSON.parse(readFileSync(gapsFile, 'utf8')).filter((g) => g.wallMs > Number(minMs ?? 80)).sort((a, b) => a.start - b.start);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
console.log(`stalls over ${minMs ?? 80} ms: ${gaps.length}; wall/cpu ms: ${gaps.slice().sort((a,b)=>b.wallMs-a.wallMs).slice(0, 12).map((g) => `${g.wallMs.toFixed(0)}/${g.cpuMs.toFixed(0)}`).join(', ')}`);
const spk = new Map(), incl = new Map(), selfFn = new Map(); let inGaps = 0;
// "Entry points": the frame right below (root)/processTicksAndRejections etc. that started each sample's work.
const entry = new Map();
let t = p.startTime, g = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = (p.timeDeltas[i + 1] ?? 0);
  t += p.timeDeltas[i];
  while (g < gaps.length && gaps[g].end < t) g++;
  if (g >= gaps.length) break;
  if (t < gaps[g].start) continue;
  const n = byId.get(p.samples[i]);
  if (n.callFrame.functionName === '(idle)') continue;
  const ms = d / 1000; inGaps += ms;
  spk.set(pkg(n), (spk.get(pkg(n)) ?? 0) + ms);
  selfFn.set(label(n), (selfFn.get(label(n)) ?? 0) + ms);
  const chain = [];
  for (let x = n.id; x !== undefined; x = parent.get(x)) chain.push(byId.get(x));
  const seen = new Set();
  for (const c of chain) { const l = label(c); if (!seen.has(l)) { seen.add(l); incl.set(l, (incl.get(l) ?? 0) + ms); } }
  // entry: first frame (from the root) that is ours or a library's, past the runtime's own dispatch.
  const top = chain.reverse().find((c) => c.callFrame.url.includes('node_modules') || isOurs(c.callFrame.url));
  const e = top ? label(top) : `(runtime) ${label(n)}`;
  entry.set(e, (entry.get(e) ?? 0) + ms);
}
const show = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([l, v]) => console.log(`  ${v.toFixed(0).padStart(7)} ms ${(100 * v / inGaps).toFixed(1).padStart(5)}%  ${l}`));
console.log(`samples in stalls: ${inGaps.toFixed(0)} ms. self by package:`); show(spk, 16);
console.log('self by function:'); show(selfFn, 25);
console.log('entry (first frame of ours or a library from the root):'); show(entry, 25);
console.log('inclusive:'); show(incl, 40);
