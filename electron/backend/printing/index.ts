/** Printing on the Node side: receipt source, transports, the print queue and its worker. */
export * from './settings';
export * from './encode';
export * from './receipt-source';
export * from './status';
export * from './transport';
export * from './jobs';
export * from './worker';
