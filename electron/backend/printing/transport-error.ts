/** The one error every transport throws, with a code the queue acts on and a message for the cashier. */
import type { PrinterStatus } from './status';

export type PrinterErrorCode = 'refused' | 'timeout' | 'closed' | 'not-ready' | 'config' | 'io' | 'unavailable';

export class PrinterError extends Error {
  override name = 'PrinterError';
  constructor(
    readonly code: PrinterErrorCode,
    message: string,
    /** What the printer reported, for 'not-ready'. */
    readonly status?: PrinterStatus,
    /**
     * Every byte was handed over but the handover was not confirmed (say, the
     * system print command took the whole job and then did not answer): the
     * receipt may be on paper, so the queue does not send it again by itself.
     */
    readonly maybePrinted = false,
  ) {
    super(message);
  }
}

/** Why a printer address was refused (the settings screen shows a message per reason). */
export type AddressProblem = 'bad-address' | 'bad-port' | 'not-a-device' | 'bad-baud' | 'bad-name';

export class PrinterAddressError extends PrinterError {
  override name = 'PrinterAddressError';
  constructor(
    readonly problem: AddressProblem,
    message: string,
  ) {
    super('config', message);
  }
}

export function idleTimeoutError(where: string, timeoutMs: number, maybePrinted = false): PrinterError {
  const seconds = (timeoutMs / 1000).toLocaleString('zh-CN', { maximumFractionDigits: 1 });
  return new PrinterError('timeout', `打印机无响应：${seconds} 秒内没有接收数据 (${where})`, undefined, maybePrinted);
}

export function describeSocketError(error: NodeJS.ErrnoException, where: string): PrinterError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new PrinterError('refused', `打印机拒绝连接 (connection refused by ${where})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new PrinterError('closed', `打印机断开了连接 (${where} closed the connection: ${error.code})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new PrinterError('refused', `找不到打印机 (${where}: ${error.code})`);
    default:
      return new PrinterError('io', `打印机连接出错 (${where}: ${error.code ?? error.message})`);
  }
}

export function asPrinterError(error: unknown, where: string): PrinterError {
  if (error instanceof PrinterError) return error;
  if (error && typeof error === 'object' && 'code' in error) return describeSocketError(error as NodeJS.ErrnoException, where);
  return new PrinterError('io', `打印失败 (${where}: ${error instanceof Error ? error.message : String(error)})`);
}
