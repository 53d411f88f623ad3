import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A new external ID `<prefix>_<16 random base36 chars>` (~82 bits of randomness). */
export function newExternalId(prefix: string): string {
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += ALPHABET[byte % 36];
  return `${prefix}_${random}`;
}
