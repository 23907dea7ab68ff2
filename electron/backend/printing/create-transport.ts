/** Printer address → the transport that reaches it (see transport.ts for the kinds). */
import { CustomTransport } from './transport-custom';
import { DeviceFileTransport, WindowsPathTransport } from './transport-device';
import { OsPrinterTransport } from './transport-os';
import { SerialTransport } from './transport-serial';
import { TcpTransport } from './transport-tcp';
import { parsePrinterUri, type CustomPrinterInterface, type PrinterTransport, type TransportOptions } from './transport';

export function createTransport(uri: string | CustomPrinterInterface, options: TransportOptions, platform: NodeJS.Platform = process.platform): PrinterTransport {
  if (typeof uri !== 'string') return new CustomTransport(uri);
  const target = parsePrinterUri(uri, platform);
  switch (target.kind) {
    case 'tcp':
      return new TcpTransport(target.host, target.port, options.commandSet, options.confirm);
    case 'os':
      return new OsPrinterTransport(uri, target.name, platform);
    case 'device':
      return new DeviceFileTransport(uri, target.path);
    case 'windows-path':
      return new WindowsPathTransport(uri, target.path);
    case 'serial':
      return new SerialTransport(uri, target.path, target.baudRate, target.flow);
  }
}
