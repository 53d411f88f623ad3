import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, deflate, gzip } from 'node:zlib';
import getRawBody from 'raw-body';
import Negotiator from 'negotiator';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import type { NodeMiddleware, ServeFirst } from './http.ts';
import type { ServerLifecycle } from './lifecycle.ts';

/**
 * GraphQL POSTs served without Express (gateway and subgraphs): Express's router, body parser and response helpers
 * cost more than a small answer does. These pieces answer as the Express route does (express.json(),
 * @as-integrations/express5, compression), which test/e2e/gateway-limits.test.ts checks route against route.
 */

/**
 * A POST of uncompressed UTF-8 JSON to exactly `/graphql`; anything else (GET, another type or encoding, a query
 * string, a quoted charset) takes the Express route.
 */
export function isPlainGraphQLPost(request: IncomingMessage): boolean {
  if (request.method !== 'POST' || request.url !== '/graphql') return false;
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return false;
  const [type, ...parameters] = (request.headers['content-type'] ?? '')
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  return type === 'application/json' && parameters.every((parameter) => parameter === 'charset=utf-8' || parameter === '');
}

/**
 * Takes the plain GraphQL POSTs (anything else goes on to Express): each runs in the request's lifecycle (scope,
 * `x-request-id`, metrics, drain refusal), then the process's limit on requests in progress, then `handle`.
 */
export function plainPostsFirst(
  lifecycle: ServerLifecycle,
  bounded: NodeMiddleware,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): ServeFirst {
  return (request, response) => {
    if (!isPlainGraphQLPost(request)) return false;
    lifecycle.handleRequests(request, response, () => bounded(request, response, () => handle(request, response)));
    return true;
  };
}

/** body-parser's refusal of a body that is not JSON, answered by answerError as Express's error handler answers it. */
const parseFailure = () => Object.assign(new Error('entity.parse.failed'), { status: 400, type: 'entity.parse.failed' });

/** JSON as express.json() reads it: an empty body is `{}`, and only an object or an array is accepted. */
function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw parseFailure();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw parseFailure();
  }
}

/** The request's JSON body, read with raw-body as express.json() reads it: the same limit and refusals (413, aborted, wrong length). */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  return parseJsonBody(await getRawBody(request, { length: request.headers['content-length'], limit }));
}

/** Runs the request through Apollo Server as @as-integrations/express5 does with a parsed body. */
export function executePost<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  request: IncomingMessage,
  body: unknown,
  context: () => Promise<TContext>,
): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return server.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body }, context });
}

const COMPRESSORS = {
  br: promisify(brotliCompress),
  gzip: promisify(gzip),
  deflate: promisify(deflate),
};
// The compression middleware's encodings and brotli quality; among encodings the client ranks equal, the one it
// names first (the middleware would pick brotli).
const ENCODINGS = ['br', 'gzip', 'deflate', 'identity'];
const BROTLI = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } };

const isCompressor = (name: string | undefined): name is keyof typeof COMPRESSORS => name !== undefined && name in COMPRESSORS;

/** The text compressed in the encoding the client accepts, or undefined when it accepts none of them. */
async function compressed(request: IncomingMessage, text: string): Promise<{ body: Buffer; encoding: string } | undefined> {
  // Without Accept-Encoding, identity (the middleware's default), although RFC 9110 would allow any.
  if (!request.headers['accept-encoding']) return undefined;
  const encoding = new Negotiator(request).encoding(ENCODINGS);
  if (!isCompressor(encoding)) return undefined;
  return { body: encoding === 'br' ? await COMPRESSORS.br(text, BROTLI) : await COMPRESSORS[encoding](text), encoding };
}

/**
 * Writes Apollo's answer; with `compressFrom`, one of at least that many bytes is compressed in an encoding the client
 * accepts, as the gateway's compression middleware does (the caller sets its `Vary`, which errors carry too).
 */
export async function sendAnswer(
  request: IncomingMessage,
  response: ServerResponse,
  answered: HTTPGraphQLResponse,
  compressFrom?: number,
): Promise<void> {
  for (const [key, value] of answered.headers) response.setHeader(key, value);
  response.statusCode = answered.status ?? 200;
  if (answered.body.kind === 'complete') {
    const text = answered.body.string;
    const bytes = Buffer.byteLength(text);
    const packed = compressFrom !== undefined && bytes >= compressFrom ? await compressed(request, text) : undefined;
    if (packed) response.setHeader('content-encoding', packed.encoding);
    response.setHeader('content-length', packed?.body.length ?? bytes);
    response.end(packed?.body ?? text);
    return;
  }
  for await (const chunk of answered.body.asyncIterator) response.write(chunk);
  response.end();
}
