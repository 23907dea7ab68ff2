/**
 * The central bench's returning registers, in a process of their own
 * (spawned by scripts/bench/central.ts; not a benchmark by itself).
 *
 * 100 registers sending a day of events at once means 100 large JSON
 * encodings at the same moment; done in the bench process, they stalled it
 * for seconds and the steady registers' measured ack times were mostly the
 * bench's own delay. Real registers are separate machines, so they get a
 * separate process here.
 *
 * Each register sends as the register's client does (electron/backend/sync/admission.ts): a batch over
 * ADMIT_ABOVE_EVENTS events waits for the service's admission (`sync:admit`) unless `admission` is false
 * (a register of before it), with `inFlight` batches awaiting their ack at a time (the client's default is 8;
 * the bench's 1 keeps its figures comparable with the earlier runs).
 *
 * Input: env BENCH_BURST = {url, storeId, registers: [{name, token}], events, batch, inFlight, admission}.
 * Prints `{"ready":true}` once every register is connected, starts on a line
 * `go` on stdin, prints `{"done":true, latencies, acked, failed, seconds, loopStallMaxMs}` and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type WireEvent } from '../../../shared/sync/protocol';
import { SendLine } from '../../../electron/backend/sync/admission';
import { silentLogger } from '../../../electron/backend/sync/sync-error';
import { checkoutEvent } from '../../../test/support/checkout-event';

interface BurstConfig {
  url: string;
  storeId: string;
  registers: { name: string; token: string }[];
  events: number;
  batch: number;
  inFlight: number;
  admission: boolean;
}

const config = JSON.parse(process.env.BENCH_BURST ?? '{}') as BurstConfig;

async function connect(name: string, token: string): Promise<Socket> {
  const socket = io(config.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { storeId: config.storeId, registerId: name, token, protocolVersion: PROTOCOL_VERSION, lastAckedSeq: 0 },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function main(): Promise<void> {
  const sockets: Socket[] = [];
  for (let i = 0; i < config.registers.length; i += 50) {
    sockets.push(...(await Promise.all(config.registers.slice(i, i + 50).map((r) => connect(r.name, r.token)))));
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const latencies: number[] = [];
  const acked: Record<string, number> = {};
  let failed = 0;
  const day = Date.now() - 86_400_000;
  const start = performance.now();
  await Promise.all(
    sockets.map(async (socket, i) => {
      const name = config.registers[i]!.name;
      const line = new SendLine(socket, 180_000, silentLogger, config.admission);
      const inFlight: Promise<boolean>[] = [];
      const sendOne = async (batch: WireEvent[]): Promise<boolean> => {
        const t = performance.now();
        try {
          const ack = (await line.send(batch, 180_000)) as { ok: boolean; error?: unknown };
          if (!ack.ok) throw new Error(`refused: ${JSON.stringify(ack.error)}`);
          // From handing the batch to the line (as the client's ack wait, admission included) to its ack.
          latencies.push(performance.now() - t);
          acked[name] = (acked[name] ?? 0) + batch.length;
          return true;
        } catch (error) {
          failed += 1;
          if (failed <= 3) process.stderr.write(`central bench burst: a batch failed: ${String(error)}\n`);
          return false;
        }
      };
      for (let from = 1; from <= config.events; from += config.batch) {
        const batch = [];
        for (let s = from; s < from + config.batch && s <= config.events; s++) batch.push(checkoutEvent(name, s, day + s * 20_000));
        inFlight.push(sendOne(batch));
        if (inFlight.length >= Math.max(1, config.inFlight) && !(await inFlight.shift()!)) return;
      }
      for (const pending of inFlight) if (!(await pending)) return;
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  loop.disable();
  for (const s of sockets) s.close();
  process.stdout.write(`${JSON.stringify({ done: true, latencies, acked, failed, seconds, loopStallMaxMs: loop.max / 1e6 })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`central bench burst failed: ${String(error)}\n`);
    process.exit(1);
  },
);
