/**
 * Member phone numbers and nicknames at the counter (pure: the renderer
 * validates with the same rules the backend enforces).
 *
 * The register never stores a phone number: only its keyed digest
 * (electron/backend/members/phone-digest.ts) and the mask made here.
 */

/** Mainland China mobile numbers: 11 digits, 1 then 3–9 (docs/security.md §3). */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * The 11 digits of a mainland mobile number typed or scanned at the counter
 * (spaces, dashes and a +86 / 0086 prefix allowed), or null when it is not one.
 */
export function normalizeMainlandMobile(input: string): string | null {
  let digits = input.trim().replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

/** 13812345678 → 138****5678: four digits hidden, as server pushes must be. */
export function maskMobile(mobile: string): string {
  return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
}

/** Longest nickname kept (characters, before masking). */
export const MAX_NICKNAME = 20;

/**
 * A nickname as the register keeps it: the first character, the rest `*`
 * (王小明 → 王**, Tom → T**). Names are shown masked everywhere (spec §6
 * "masked by default") and the sync protocol refuses unmasked names, so the
 * full nickname is never stored either.
 */
export function maskNickname(nickname: string): string | null {
  const chars = Array.from(nickname.trim().replace(/\s+/g, ' '));
  if (chars.length === 0) return null;
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
