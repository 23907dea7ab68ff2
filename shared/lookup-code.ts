/**
 * The receipt's 查询码 (issue #12 §3): 12 Crockford base32 characters = 60
 * random bits, printed as `XXXX-XXXX-XXXX`. With a million orders in the
 * central service a guess hits one of them with probability 10⁶ / 2⁶⁰ ≈ 10⁻¹²,
 * so reading another customer's entry by guessing is impractical even before
 * any rate limit. Made by the register from a CSPRNG (app/lookup-code.ts);
 * this module is pure: formatting, and reading back what was typed or
 * scanned (a lookup URL + code, dashes, spaces, lower case, O/I/L typed for 0/1).
 */

export const LOOKUP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LOOKUP_CODE_LENGTH = 12;
export const LOOKUP_CODE_BITS = LOOKUP_CODE_LENGTH * 5;

const CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** K7QH2M9DX4TB → K7QH-2M9D-X4TB (anything else unchanged). */
export function formatLookupCode(code: string): string {
  return CODE.test(code) ? `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}` : code;
}

/**
 * The stored form of a typed or scanned 查询码, or null when it is not one:
 * `k7qh-2m9d-x4tb`, `K7QH 2M9D X4TB`, or the receipt's QR (`https://…/q/K7QH2M9DX4TB`).
 */
export function parseLookupCode(input: string): string | null {
  let text = input.trim();
  const slash = text.lastIndexOf('/');
  if (/^https?:\/\//i.test(text) && slash >= 0) text = text.slice(slash + 1).split(/[?#]/)[0] ?? '';
  const code = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return CODE.test(code) ? code : null;
}

/** A lookup address the store may configure (`receipt.lookupUrl`): http(s), printable ASCII, at most 200 characters. */
export function isLookupUrl(url: string): boolean {
  return /^https?:\/\/[\x21-\x7e]{1,200}$/.test(url);
}
