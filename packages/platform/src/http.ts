import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { ErrorCode, isUnavailableError } from './errors.ts';
import { logger } from './logger.ts';
import { logThrottled, timeouts } from './resilience.ts';

/** The body of a refusal made before GraphQL runs: shaped as a GraphQL response, so clients read one format. */
export const graphQLErrorBody = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * A JSON answer on a plain node:http response (what Express's `res.status(s).json(b)` sends, without Express); a
 * Buffer is sent as the JSON it already is.
 */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.isBuffer(body) ? body : JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}

/** A middleware on plain node:http (Express takes it too): what runs before both routes of a request. */
export type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * A plain node:http handler served before Express: true when it took the request (e.g. a plain GraphQL POST, or the
 * files subgraph's Box webhook intake, where Express's middleware would cost more than the work itself).
 */
export type ServeFirst = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The path of a request's URL, without its query. */
export const pathOf = (request: IncomingMessage) => (request.url ?? '/').split('?', 1)[0] ?? '/';

interface HttpErrorLike {
  status?: unknown;
  type?: unknown;
}

const statusOf = (error: HttpErrorLike) =>
  typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;

function describe(error: HttpErrorLike, status: number): { code: ErrorCode; message: string } {
  if (status === 413) return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is larger than allowed' };
  if (error.type === 'entity.parse.failed') return { code: ErrorCode.BAD_REQUEST, message: 'The request body is not valid JSON' };
  if (status < 500) return { code: ErrorCode.BAD_REQUEST, message: 'The request body could not be read' };
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}

const causeName = (error: unknown) =>
  error instanceof Error ? `${error.name}${'code' in error && typeof error.code === 'string' ? ` ${error.code}` : ''}` : 'unknown';

/**
 * The last error handler of every app (gateway and subgraphs): body-parser's refusals (malformed JSON, too large,
 * unsupported encoding) and anything else that reaches Express answer GraphQL-shaped JSON with a stable code,
 * never Express's HTML page with its stack trace and file paths.
 */
export const httpErrors: ErrorRequestHandler = (error: HttpErrorLike, _request, response, next) => {
  if (response.headersSent) return next(error);
  answerError(error, response);
};

/** httpErrors' answer, on a plain node:http response (requests served without Express). */
export function answerError(error: unknown, response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (isUnavailableError(error)) {
    logThrottled('warn', `unavailable: ${causeName(error)}`, {}, 'a dependency is unavailable');
    response.setHeader('retry-after', String(timeouts.retryAfterSeconds));
    sendJson(response, 503, graphQLErrorBody(ErrorCode.UNAVAILABLE, 'A service this request needs is unavailable: retry later'));
    return;
  }
  const like: HttpErrorLike = typeof error === 'object' && error !== null ? error : {};
  const status = statusOf(like);
  const { code, message } = describe(like, status);
  if (status >= 500) logger.error({ err: error }, 'unexpected error');
  sendJson(response, status, graphQLErrorBody(code, message));
}
