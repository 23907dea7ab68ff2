/** Receipts: one model (`buildReceipt`), rendered to a preview and to ESC/POS bytes. */
export * from './types';
export * from './width';
export * from './printable';
export * from './build';
export * from './preview';
export * from './escpos';
