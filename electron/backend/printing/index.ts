/** Printing on the Node side: receipt source, transports, the print queue and its worker. */
export * from './settings';
export * from './encode';
export * from './receipt-source';
export * from './status';
export * from './transport';
export * from './device-path';
export * from './create-transport';
export * from './transport-tcp';
export * from './transport-device';
export * from './transport-os';
export * from './transport-serial';
export * from './transport-custom';
export * from './discovery';
export * from './jobs';
export * from './worker';
