/**
 * Length-prefixed frames: each part as a 4-byte big-endian length followed by its bytes. Carries raw bytes (a
 * signed body, say) through one request unchanged, where JSON would have to re-encode them.
 */
export function encodeFrames(parts: readonly Buffer[]): Buffer {
  const framed: Buffer[] = [];
  for (const part of parts) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(part.length);
    framed.push(length, part);
  }
  return Buffer.concat(framed);
}

/** The parts of `data`, or undefined when it is not a whole sequence of at most `maxParts` frames. */
export function decodeFrames(data: Buffer, maxParts: number): Buffer[] | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (parts.length === maxParts || at + 4 > data.length) return undefined;
    const end = at + 4 + data.readUInt32BE(at);
    if (end > data.length) return undefined;
    parts.push(data.subarray(at + 4, end));
    at = end;
  }
  return parts;
}
