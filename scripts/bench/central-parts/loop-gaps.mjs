/**
 * Preloaded into the central service for a profiling run (not a benchmark by
 * itself): a 1 ms interval timer; every gap between two firings over 40 ms
 * is a stall of the event loop, kept as {start, end} in µs of the monotonic
 * clock (the clock of .cpuprofile timestamps) with its wall time and the
 * process CPU used in it, and written to $STALL_GAPS_FILE at exit.
 *
 *   STALL_GAPS_FILE=/tmp/p/gaps.json npx tsx scripts/bench/central.ts --targets postgres --cases offline,mixed \
 *     --server-node-args --import=$PWD/scripts/bench/central-parts/loop-gaps.mjs,--cpu-prof,--cpu-prof-dir=/tmp/p,--cpu-prof-interval=500,--trace-gc
 *   node scripts/bench/central-parts/profile-gaps.mjs /tmp/p/CPU.*.0.001.cpuprofile /tmp/p/gaps.json 80
 */
import { writeFileSync } from 'node:fs';

const gaps = [];
let last = process.hrtime.bigint();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const now = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const ms = Number(now - last) / 1e6;
  if (ms > 40) gaps.push({ start: Number(last / 1000n), end: Number(now / 1000n), wallMs: ms, cpuMs: (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000 });
  last = now;
  lastCpu = cpu;
}, 1).unref();
process.on('exit', () => writeFileSync(process.env.STALL_GAPS_FILE ?? `/tmp/stall-gaps-${process.pid}.json`, JSON.stringify(gaps)));
