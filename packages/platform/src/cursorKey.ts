import { randomBytes } from 'node:crypto';

let configuredKey: Buffer | undefined;

/**
 * Sets the key that signs (and encrypts) pagination cursors: each subgraph derives it from its own private key when it
 * starts (see createSubgraphApp), so replicas of a subgraph share it, nobody else can compute it, and rotating the
 * service key rotates it (outstanding cursors then fail as forged: a client only loses its place in a list).
 */
export function setCursorKey(key: Buffer): void {
  if (key.length < 32) throw new Error('a cursor key needs at least 32 bytes');
  configuredKey = key;
}

/** The cursor key; a process that set none (a unit test, a script) gets a random one of its own. */
export function cursorKey(): Buffer {
  return (configuredKey ??= randomBytes(32));
}
