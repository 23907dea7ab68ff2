/**
 * A printer object brought by the caller — the shape node-thermal-printer
 * accepts as a custom interface: `{ execute(buffer), isPrinterConnected?() }`.
 * Its calls are raced against the deadline (they cannot be cancelled from
 * here: whoever supplies the object owns what it does).
 */
import { withTimeout } from './deadline';
import type { PrinterStatus } from './status';
import { asPrinterError } from './transport-error';
import type { CustomPrinterInterface, PrinterTransport, SendOptions, SendResult } from './transport';

export class CustomTransport implements PrinterTransport {
  readonly uri = 'custom';
  constructor(private readonly target: CustomPrinterInterface) {}
  async send(data: Uint8Array, { timeoutMs }: SendOptions): Promise<SendResult> {
    try {
      await withTimeout(this.target.execute(Buffer.from(data.buffer, data.byteOffset, data.byteLength)), timeoutMs, this.uri);
      return { bytes: data.length, status: null };
    } catch (error) {
      throw asPrinterError(error, this.uri);
    }
  }
  async status({ timeoutMs }: { timeoutMs: number }): Promise<PrinterStatus | null> {
    if (!this.target.isPrinterConnected) return null;
    const ok = await withTimeout(this.target.isPrinterConnected(), timeoutMs, this.uri).catch((e: unknown) => {
      throw asPrinterError(e, this.uri);
    });
    return { online: ok, paper: 'unknown', coverOpen: null };
  }
}
