export * from './types';
export * from './engine';
export * from './ratio';
export * from './time';
export * from './random';
export { MemoryQueueStore } from './memory-store';
