/**
 * One HTTP POST of a JSON body to a service, over `undici.request` on the gateway's keep-alive pool: no WHATWG
 * Request/Response/Headers objects and no web streams (undici's `fetch` and its streams were 22% of the gateway's
 * busy time). The answer's body is read as Node stream chunks up to a byte limit and abandoned past it.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { numberFromEnv } from '@wrk/platform';

/** The largest subgraph response body the gateway reads, in bytes (10 MB: the largest page of the API is far less). */
export const maxSubgraphResponseBytes = (env: NodeJS.ProcessEnv = process.env) =>
  numberFromEnv(env, 'WRK_SUBGRAPH_MAX_RESPONSE_BYTES', 10 * 1024 * 1024);

export class SubgraphResponseTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the response exceeded ${limit} bytes`);
  }
}

export class SubgraphResponseInvalid extends Error {}

export interface JsonPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** The largest body read; a larger one is cut off (SubgraphResponseTooLarge). */
  maxBytes: number;
}

export interface TextAnswer {
  status: number;
  statusText: string;
  ok: boolean;
  contentType: string | undefined;
  text: string;
}

type Body = Dispatcher.ResponseData['body'];

/**
 * The body as text, read chunk by chunk and abandoned (the connection destroyed) as soon as it passes `limit` bytes:
 * a huge answer costs at most `limit` bytes of memory, however large it is.
 */
export async function readCapped(body: Body, limit: number, announced?: string | string[]): Promise<string> {
  if (typeof announced === 'string' && Number(announced) > limit) {
    body.destroy();
    throw new SubgraphResponseTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.byteLength;
    if (total > limit) {
      body.destroy();
      throw new SubgraphResponseTooLarge(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** POSTs the body and reads the whole answer (any status) within the limit; a failure to connect or a timeout throws. */
export async function postJson(dispatcher: Dispatcher, post: JsonPost): Promise<TextAnswer> {
  const { statusCode, headers, body } = await dispatcher.request({
    origin: post.url.origin,
    path: post.url.pathname + post.url.search,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...post.headers },
    body: post.body,
    signal: post.signal,
  });
  const text = await readCapped(body, post.maxBytes, headers['content-length']);
  return {
    status: statusCode,
    statusText: STATUS_CODES[statusCode] ?? '',
    ok: statusCode >= 200 && statusCode < 300,
    contentType: header(headers['content-type']),
    text,
  };
}
