/**
 * How long the event loop was kept busy, in CPU time rather than wall time.
 *
 * monitorEventLoopDelay says how late the loop came round (what a register
 * waiting for its ack feels); on a machine shared with other work that
 * includes the time the process waited for a core. This ticks every 20 ms
 * and keeps the most CPU time the process used between two ticks: what one
 * turn of the loop ran without letting anything else in (a batch's JSON, a
 * schema check, an in-process PGlite statement), without the waiting for a
 * core. Process CPU includes GC and libuv helper threads, so it is an upper
 * bound of the main thread's.
 */
export class LoopBusyMonitor {
  private readonly timer: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  /** The most CPU ms used between two ticks since the last reset. */
  maxCpuMs = 0;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    const cpu = process.cpuUsage();
    const used = Math.round((cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 100) / 10;
    if (used > this.maxCpuMs) this.maxCpuMs = used;
    this.lastCpu = cpu;
  }

  reset(): void {
    this.maxCpuMs = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
