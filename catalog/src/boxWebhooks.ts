import { decodeFrames, encodeFrames } from '@wrk/platform';

/**
 * The contract between the gateway, which receives Box's webhook deliveries on its host, and the files subgraph, which
 * verifies and stores them: the paths, and how deliveries that arrive together travel in one request.
 */
export const BOX_WEBHOOK_PATH = '/webhooks/box';
export const BOX_WEBHOOK_BATCH_PATH = `${BOX_WEBHOOK_PATH}/batch`;
export const MAX_BATCH_DELIVERIES = 64;

/** A delivery as passed on: the headers it is verified and stored by (names in lower case), and its raw body. */
export interface PassedDelivery {
  headers: Record<string, string>;
  body: Buffer;
}
/** The files subgraph's answer to one delivery of a batch: its status and its (JSON) body. */
export type BatchReply = [status: number, body: string];

/** A batch: each delivery as two frames (packages/platform/src/frames.ts), its headers as JSON and its body as is. */
export const encodeDeliveries = (deliveries: readonly PassedDelivery[]): Buffer =>
  encodeFrames(deliveries.flatMap(({ headers, body }) => [Buffer.from(JSON.stringify(headers)), body]));

/** A frame of headers: its string values, names in lower case; undefined when it is not a JSON object. */
function headersOf(frame: Buffer): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return headers;
}

/** The deliveries of a batch, in order; undefined when it is not a whole sequence of at most MAX_BATCH_DELIVERIES. */
export function decodeDeliveries(data: Buffer): PassedDelivery[] | undefined {
  const frames = decodeFrames(data, 2 * MAX_BATCH_DELIVERIES);
  if (!frames) return undefined;
  const deliveries: PassedDelivery[] = [];
  for (let at = 0; at < frames.length; at += 2) {
    const headers = headersOf(frames[at]!);
    const body = frames[at + 1];
    if (!headers || !body) return undefined;
    deliveries.push({ headers, body });
  }
  return deliveries;
}

export const encodeReplies = (replies: readonly BatchReply[]): Buffer => Buffer.from(JSON.stringify(replies));

/** The replies of a batch answer, or undefined when it is not one `[status, body]` per delivery. */
export function decodeReplies(data: Buffer, deliveries: number): BatchReply[] | undefined {
  let replies: unknown;
  try {
    replies = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  const isReply = (entry: unknown): entry is BatchReply =>
    Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'number' && typeof entry[1] === 'string';
  return Array.isArray(replies) && replies.length === deliveries && replies.every(isReply) ? replies : undefined;
}
