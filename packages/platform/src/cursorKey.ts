import { randomBytes } from 'node:crypto';

const MIN_KEY_BYTES = 32;
let perProcessKey: Buffer | undefined;

/**
 * The key that signs (and encrypts) pagination cursors: `WRK_CURSOR_KEY` (at least 32 bytes), else a random key
 * made once per process — cursors then stop working when the process restarts, which only costs a client its
 * place in a list. Every process serving the same subgraph must share the key.
 */
export function cursorKey(): Buffer {
  const configured = process.env.WRK_CURSOR_KEY;
  if (configured === undefined || configured === '') return (perProcessKey ??= randomBytes(MIN_KEY_BYTES));
  const key = Buffer.from(configured);
  if (key.length < MIN_KEY_BYTES) throw new Error(`WRK_CURSOR_KEY must be at least ${MIN_KEY_BYTES} bytes`);
  return key;
}
