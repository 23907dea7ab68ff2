/** A new 查询码 for an order: 60 bits from the CSPRNG (shared/lookup-code.ts says why that is enough). */
import { randomBytes } from 'node:crypto';
import { LOOKUP_CODE_ALPHABET, LOOKUP_CODE_LENGTH } from '../../../shared/lookup-code';

export function newLookupCode(): string {
  const bytes = randomBytes(LOOKUP_CODE_LENGTH);
  let code = '';
  // One byte per character, its low 5 bits: 256 is a multiple of 32, so every character is uniform.
  for (const b of bytes) code += LOOKUP_CODE_ALPHABET[b & 31];
  return code;
}
