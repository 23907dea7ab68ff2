/**
 * A .cpuprofile in a few lines: self time by package and by function (top N),
 * and the runs of samples without idle longer than MS (default 50), with what
 * they spent time in. A run without idle can hold several turns of the loop;
 * for the turns themselves see loop-gaps.mjs and profile-gaps.mjs.
 *
 *   node scripts/bench/central-parts/profile-summary.mjs PROFILE.cpuprofile [N] [MS]
 */
import { readFileSync } from 'node:fs';
import { label, pkg } from './profile-frames.mjs';
const [file, topArg, turnArg] = process.argv.slice(2);
const top = Number(topArg ?? 30), turnMs = Number(turnArg ?? 50);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map(), selfPkg = new Map();
let total = 0, idle = 0;
const dt = p.timeDeltas;
for (let i = 0; i < p.samples.length; i++) {
  const n = byId.get(p.samples[i]); const d = (dt[i + 1] ?? 0) / 1000; total += d;
  if (n.callFrame.functionName === '(idle)') { idle += d; continue; }
  self.set(label(n), (self.get(label(n)) ?? 0) + d);
  selfPkg.set(pkg(n), (selfPkg.get(pkg(n)) ?? 0) + d);
}
const busy = total - idle;
console.log(`total ${total.toFixed(0)} ms, idle ${idle.toFixed(0)} ms, busy ${busy.toFixed(0)} ms`);
const show = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([l, v]) => console.log(`  ${v.toFixed(0).padStart(7)} ms ${(100 * v / busy).toFixed(1).padStart(5)}%  ${l}`));
console.log('self time by package/area:'); show(selfPkg, 20);
console.log('self time by function:'); show(self, top);
// Long turns: consecutive non-idle samples.
const turns = [];
let cur = null, t = p.startTime / 1000;
for (let i = 0; i < p.samples.length; i++) {
  const n = byId.get(p.samples[i]); const d = (dt[i + 1] ?? 0) / 1000;
  const isIdle = n.callFrame.functionName === '(idle)';
  if (!isIdle) { if (!cur) cur = { start: t, ms: 0, ids: [] }; cur.ms += d; cur.ids.push([n.id, d]); }
  else if (cur) { turns.push(cur); cur = null; }
  t += d;
}
if (cur) turns.push(cur);
turns.sort((a, b) => b.ms - a.ms);
console.log(`turns over ${turnMs} ms: ${turns.filter((x) => x.ms > turnMs).length}; longest: ${turns.slice(0, 8).map((x) => x.ms.toFixed(0)).join(', ')}`);
// In the long turns: inclusive time by "top-level reason" (stack frames), self by package.
const incl = new Map(), spk = new Map(); let inTurns = 0;
for (const turn of turns.filter((x) => x.ms > turnMs)) {
  for (const [id, d] of turn.ids) {
    inTurns += d;
    spk.set(pkg(byId.get(id)), (spk.get(pkg(byId.get(id))) ?? 0) + d);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) { const l = label(byId.get(x)); if (!seen.has(l)) { seen.add(l); incl.set(l, (incl.get(l) ?? 0) + d); } }
  }
}
const showT = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([l, v]) => console.log(`  ${v.toFixed(0).padStart(7)} ms ${(100 * v / inTurns).toFixed(1).padStart(5)}%  ${l}`));
console.log(`in turns over ${turnMs} ms (${inTurns.toFixed(0)} ms): self by package`); showT(spk, 15);
console.log('inclusive by function:'); showT(incl, 45);
