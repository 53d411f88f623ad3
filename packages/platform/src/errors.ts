import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values clients can rely on. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INVALID_ID: 'INVALID_ID',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  CONSTRAINT_VIOLATION: 'CONSTRAINT_VIOLATION',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The HTTP request itself is malformed (e.g. its body is not JSON). */
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * This service, or a dependency of it (database, identity, another subgraph), cannot answer now — it is stopping,
   * not configured for the request, or the request's deadline passed: retry later (HTTP 503 with Retry-After when
   * nothing could be answered). The credential was not judged.
   */
  UNAVAILABLE: 'UNAVAILABLE',
  /** This process has more requests in progress than it takes: refused at once (503, Retry-After); retry later. */
  OVERLOADED: 'OVERLOADED',
  /** An agent's write without its run and sources (the request extension `wrk`). */
  PROVENANCE_REQUIRED: 'PROVENANCE_REQUIRED',
  /** An agent's sensitive write was not applied but stored for a human to decide (`extensions.approvalId`). */
  APPROVAL_REQUIRED: 'APPROVAL_REQUIRED',
  /** A trusted-only caller sent a document that is not in the operations manifest: send a manifest ID instead. */
  PERSISTED_QUERY_REQUIRED: 'PERSISTED_QUERY_REQUIRED',
  /** The persisted-query ID (sha256Hash or documentId) names no operation of the manifest. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function graphQLError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badUserInput = (field: string, message: string) => graphQLError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });

export const invalidId = (id: string, expected?: string) =>
  graphQLError(
    ErrorCode.INVALID_ID,
    expected ? `"${id}" is not a valid ${expected} ID` : `"${id}" is not a valid WRK ID (expected <prefix>_<id>)`,
    { id },
  );

export const notFound = (id: string, extensions: Record<string, unknown> = {}) =>
  graphQLError(ErrorCode.NOT_FOUND, `No entity with ID "${id}"`, { id, ...extensions });

/**
 * An error answered with this HTTP status and headers. Apollo Server reads `extensions.http.headers` as a Map (and
 * drops `http` from the response); graphql-yoga's typings, loaded with the explorer, declare it a record.
 */
export function httpError(
  code: ErrorCode,
  message: string,
  http: { status: number; headers?: Record<string, string> },
  extensions: Record<string, unknown> = {},
): GraphQLError {
  const all: Record<string, unknown> = {
    code,
    ...extensions,
    http: { status: http.status, headers: new Map(Object.entries(http.headers ?? {})) },
  };
  return new GraphQLError(message, { extensions: all });
}

/** An operation asking for more work than the limits allow: refused with 400 before any work. */
export const limitExceeded = (message: string, extensions: Record<string, unknown> = {}) =>
  httpError(ErrorCode.BAD_USER_INPUT, message, { status: 400 }, extensions);

export const unauthenticated = (message: string) => graphQLError(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });

/** A dependency is unavailable: at a field's path when thrown by a resolver (the rest is still answered). */
export const unavailable = (message = 'A service this request needs is unavailable: retry later') =>
  graphQLError(ErrorCode.UNAVAILABLE, message);

/** The whole request refused because a dependency is unavailable: 503 with Retry-After. */
export const unavailableResponse = (retryAfterSeconds: number, message = 'A service this request needs is unavailable: retry later') =>
  httpError(ErrorCode.UNAVAILABLE, message, { status: 503, headers: { 'retry-after': String(retryAfterSeconds) } });

/**
 * Postgres SQLSTATE classes and codes, and Node socket errors, that say the database (or a service) cannot be reached
 * or cannot work now — as opposed to refusing what was asked: connection exceptions (08), insufficient resources (53),
 * operator intervention (57: shutdown, statement timeout / cancel), and the driver's own connection failures.
 */
const UNAVAILABLE_STATES = /^(08|53|57)/;
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** Prisma's codes for an unreachable or timed-out database, and its connection pool's timeout. */
const UNAVAILABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** node-postgres and Prisma's adapter report some connection failures by message only. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|Can't reach database server|the database system is (starting up|shutting down)|Query read timeout|DatabaseNotReachable|ConnectionClosed|SocketTimeout|TooManyConnections/i;

/**
 * Whether an error, or any error it wraps, says a dependency is unavailable (database down or timing out, a
 * connection refused or cut, a call timed out) rather than that the request was wrong.
 */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 6) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    errno?: unknown;
    message?: unknown;
    cause?: unknown;
    kind?: unknown;
    originalCode?: unknown;
  };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  if (e instanceof GraphQLError) return e.extensions.code === ErrorCode.UNAVAILABLE || e.extensions.code === ErrorCode.OVERLOADED;
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== 'string') continue;
    if (UNAVAILABLE_PRISMA.has(code) || UNAVAILABLE_ERRNOS.has(code) || (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_STATES.test(code))) {
      return true;
    }
  }
  if (typeof e.kind === 'string' && UNAVAILABLE_MESSAGES.test(e.kind)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  const meta = (error as { meta?: unknown }).meta;
  if (typeof meta === 'object' && meta !== null && Object.values(meta).some((inner) => isUnavailableError(inner, depth + 1))) return true;
  if (Array.isArray((error as { errors?: unknown }).errors)) {
    if ((error as { errors: unknown[] }).errors.some((inner) => isUnavailableError(inner, depth + 1))) return true;
  }
  return isUnavailableError(e.cause, depth + 1);
}

interface DatabaseErrorLike {
  code?: string;
  meta?: Record<string, unknown>;
  message?: string;
  cause?: unknown;
}

/** Postgres SQLSTATE of a driver error that Prisma wrapped, if any. */
function sqlState(error: DatabaseErrorLike): string | undefined {
  const text = JSON.stringify(error.meta ?? {}) + String(error.message ?? '');
  return /\b(23505|23503|23514|23502)\b/.exec(text)?.[1];
}

/**
 * Turns database refusals (unique, foreign key, check, not-null) into client errors with stable codes, and an
 * unreachable or timed-out database into UNAVAILABLE; anything else is rethrown unchanged (and masked as
 * INTERNAL_SERVER_ERROR by the server).
 */
export function translateDatabaseError(error: unknown): never {
  if (isUnavailableError(error)) throw unavailable();
  const e = error as DatabaseErrorLike;
  const state = sqlState(e);
  if (e.code === 'P2002' || state === '23505') {
    throw graphQLError(ErrorCode.CONFLICT, 'An entity with these values already exists', { target: e.meta?.target });
  }
  if (e.code === 'P2003' || state === '23503') {
    throw graphQLError(ErrorCode.CONSTRAINT_VIOLATION, 'A referenced entity does not exist or is still referenced');
  }
  if (e.code === 'P2011' || state === '23502') {
    throw graphQLError(ErrorCode.BAD_USER_INPUT, 'A required value is missing');
  }
  if (state === '23514') {
    const constraint = /constraint "?([a-z0-9_]+)"?/.exec(JSON.stringify(e.meta ?? {}) + e.message)?.[1];
    throw graphQLError(ErrorCode.CONSTRAINT_VIOLATION, `The database refused the values (${constraint ?? 'check'})`, {
      constraint,
    });
  }
  throw error;
}

/** The row, or NOT_FOUND naming the ID that found nothing. */
export function found<Row>(row: Row | null | undefined, id: string): Row {
  if (row === null || row === undefined) throw notFound(id);
  return row;
}

export const forbiddenError = (message: string) => graphQLError(ErrorCode.FORBIDDEN, message, { http: { status: 403 } });
