/**
 * Random sources. At the counter, lottery draws and random returns use the
 * platform's CSPRNG (Web Crypto, present in Node ≥ 19, Electron and
 * browsers). A replay uses a seeded generator so the same scenario file
 * gives the same result every time.
 */
import type { RandomSource } from './types';

interface WebCrypto {
  getRandomValues<T extends Uint32Array>(array: T): T;
}

function webCrypto(): WebCrypto {
  const crypto = (globalThis as { crypto?: WebCrypto }).crypto;
  if (!crypto?.getRandomValues) throw new Error('no cryptographic random number generator is available');
  return crypto;
}

const TWO_32 = 0x1_0000_0000;

function checkBound(maxExclusive: number): void {
  if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_32) {
    throw new RangeError(`random bound must be a whole number from 1 to 2^32, got ${maxExclusive}`);
  }
}

/** Unbiased: values from the incomplete top slice of the 32-bit range are drawn again. */
function uniformBelow(maxExclusive: number, next32: () => number): number {
  checkBound(maxExclusive);
  const limit = TWO_32 - (TWO_32 % maxExclusive);
  for (;;) {
    const value = next32();
    if (value < limit) return value % maxExclusive;
  }
}

export function cryptoRandom(): RandomSource {
  const crypto = webCrypto();
  const buffer = new Uint32Array(1);
  return {
    int: (maxExclusive) =>
      uniformBelow(maxExclusive, () => {
        crypto.getRandomValues(buffer);
        return buffer[0]!;
      }),
  };
}

/** SplitMix32-style generator: small, fast and good enough for repeatable replays (never for money at the counter). */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next32 = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return { int: (maxExclusive) => uniformBelow(maxExclusive, next32) };
}

/** A random UUID v4 for outbox event ids, from the CSPRNG. */
export function randomEventId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  const words = webCrypto().getRandomValues(new Uint32Array(4));
  const hex = Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
