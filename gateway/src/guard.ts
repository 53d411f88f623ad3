import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { currentRequestId, ErrorCode, httpError, sendJson, timeouts, type Claims } from '@wrk/platform';
import type { GatewayRateLimiters } from './rateLimit.ts';
import type { Authenticator } from './auth.ts';

const REALM = 'wrk';

/** A request's ID (in every log line, audit row and event it causes) and its deadline (epoch ms). */
export interface RequestTiming {
  requestId: string;
  deadline: number;
}

/**
 * First of all, for every request: its ID (the one its log lines and its `x-request-id` header carry: platform's
 * lifecycle.ts binds it first) and its deadline, WRK_REQUEST_TIMEOUT_MS from now, which the claims carry to every
 * subgraph.
 */
export function startTiming(): RequestTiming {
  return { requestId: currentRequestId() ?? randomUUID(), deadline: Date.now() + timeouts.requestMs };
}

export const timeRequests: RequestHandler = (_request, response, next) => {
  response.locals.timing = startTiming();
  next();
};

export function timingOf(response: Response): RequestTiming {
  const timing: unknown = response.locals.timing;
  if (typeof timing === 'object' && timing !== null && 'requestId' in timing && 'deadline' in timing) {
    const { requestId, deadline } = timing;
    if (typeof requestId === 'string' && typeof deadline === 'number') return { requestId, deadline };
  }
  return { requestId: randomUUID(), deadline: Date.now() + timeouts.requestMs };
}

/** RFC 6750 allows only these characters inside a quoted error_description. */
const quotable = (text: string) => text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');

const unauthorized = (message: string, challenge: string) =>
  httpError(ErrorCode.UNAUTHENTICATED, message, { status: 401, headers: { 'www-authenticate': challenge } });

export const rateLimited = (retryAfterSeconds: number) =>
  httpError(
    ErrorCode.RATE_LIMITED,
    `Too many requests: retry after ${retryAfterSeconds} s`,
    { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
    { retryAfter: retryAfterSeconds },
  );

const isUnauthenticated = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED;

/**
 * Who is calling, for every GraphQL request: a caller without a valid token is refused with 401 and a Bearer challenge,
 * counted against their address; a valid token is counted against itself — after its signature is checked, before its
 * session is looked up, so a flood from one token costs a signature check each. Over either limit: 429 with Retry-After.
 */
/**
 * What the guard reads of a request: its headers and the address it came from (a Node request is one; a gateway built
 * on Fetch requests, as Hive Gateway is, passes the two it has).
 */
export interface CallerRequest {
  headers: { authorization?: string | undefined };
  socket: { remoteAddress?: string | undefined };
}

/** The caller's claims for one request, or a refusal (a GraphQLError carrying its HTTP status and headers). */
export type ClaimsOf = (request: CallerRequest, timing: RequestTiming) => Promise<Claims>;

export function requestGuard(authenticator: Authenticator, limiters: GatewayRateLimiters): ClaimsOf {
  const refuse = async (request: CallerRequest, error: GraphQLError): Promise<never> => {
    const wait = await limiters.address.consume(request.socket.remoteAddress ?? 'unknown');
    throw wait ? rateLimited(wait) : error;
  };
  const invalid = (request: CallerRequest) => (error: unknown) => {
    if (!isUnauthenticated(error)) throw error;
    return refuse(
      request,
      unauthorized(error.message, `Bearer realm="${REALM}", error="invalid_token", error_description="${quotable(error.message)}"`),
    );
  };

  return async function claimsOf(request, { requestId, deadline }) {
    const authorization = request.headers.authorization;
    if (!authorization) return refuse(request, unauthorized('A bearer token is required', `Bearer realm="${REALM}"`));
    const bearer = await authenticator.verify(authorization).catch(invalid(request));
    const wait = await limiters.token.consume(bearer.tokenId);
    if (wait) throw rateLimited(wait);
    const claims = await authenticator.session(bearer, requestId).catch(invalid(request));
    return { ...claims, deadline };
  };
}

export interface Refusal {
  status: number;
  headers: [string, string][];
  body: { errors: { message: string; extensions: Record<string, unknown> }[] };
}

/** The refusal of a request as a GraphQL-shaped answer, with the status and headers the error carries. */
export function refusalOf(error: GraphQLError): Refusal {
  const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> } };
  return { status: http?.status ?? 400, headers: [...(http?.headers ?? [])], body: { errors: [{ message: error.message, extensions }] } };
}

/** A refusal the caller should get as it is (it carries its HTTP status), as opposed to a failure of the gateway. */
export const isRefusal = (error: unknown): error is GraphQLError => error instanceof GraphQLError && error.extensions.http !== undefined;

function sendRefusal(response: ServerResponse, error: GraphQLError): void {
  const { status, headers, body } = refusalOf(error);
  for (const [name, value] of headers) response.setHeader(name, value);
  sendJson(response, status, body);
}

/** A GET that asks for an operation (a document, or a persisted one by ID), not for the explorer page. */
const isOperation = (params: URLSearchParams) => ['query', 'documentId', 'extensions'].some((name) => params.has(name));

const payloadTooLarge = () => httpError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is larger than allowed', { status: 413 });

/** Refuses (413) a body announced larger than the limit, before anything else is done for it: true when it did. */
export function refusedForSize(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): boolean {
  if (Number(request.headers['content-length'] ?? 0) <= maxBodyBytes) return false;
  sendRefusal(response, payloadTooLarge());
  return true;
}

/**
 * The caller's claims, or undefined once their refusal is sent. Runs before the body is read and parsed: a request
 * refused for its token or its rate costs no JSON parsing, however large its body.
 */
export async function guardedClaims(
  claimsOf: ClaimsOf,
  request: IncomingMessage,
  response: ServerResponse,
  timing: RequestTiming,
): Promise<Claims | undefined> {
  try {
    return await claimsOf(request, timing);
  } catch (error) {
    if (isRefusal(error)) return void sendRefusal(response, error);
    throw error;
  }
}

/** The size limit and guardedClaims as Express middleware; the explorer page (a GET without an operation) is served to anyone. */
export function guardRequests(claimsOf: ClaimsOf, maxBodyBytes: number): RequestHandler {
  return (request, response, next) => {
    if (refusedForSize(request, response, maxBodyBytes)) return;
    if (request.method === 'GET' && !isOperation(new URL(request.url, 'http://gateway').searchParams)) return next();
    guardedClaims(claimsOf, request, response, timingOf(response)).then((claims) => {
      if (!claims) return;
      response.locals.claims = claims;
      next();
    }, next);
  };
}
