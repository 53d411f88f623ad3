import { AsyncLocalStorage } from 'node:async_hooks';
import { ErrorCode } from './errors.ts';
import { graphQLErrorBody, sendJson, type NodeMiddleware } from './http.ts';
import { numberFromEnv } from './limits.ts';
import { logger } from './logger.ts';

/**
 * Every bound on waiting, from the environment (README, "Timeouts and limits"). Read once per process: a value that
 * is not a positive integer stops the process at start.
 */
export interface Timeouts {
  /** The whole of a request at the gateway: its deadline, signed into the claims every subgraph receives. */
  requestMs: number;
  /** One gateway → subgraph request (cut to what is left of the request's deadline). */
  subgraphMs: number;
  /** The gateway's session lookup and JWKS fetch at identity. */
  identityMs: number;
  /** A subgraph's owner check (`_entities`) at another subgraph. */
  ownerCheckMs: number;
  /** A readiness probe: the database's `SELECT 1`, the gateway's probe of each subgraph. */
  readyMs: number;
  /** Postgres: any one statement, and opening a connection. */
  statementMs: number;
  connectMs: number;
  /** Retry-After of a 503, in seconds. */
  retryAfterSeconds: number;
}

export function timeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): Timeouts {
  return {
    requestMs: numberFromEnv(env, 'WRK_REQUEST_TIMEOUT_MS', 15_000),
    subgraphMs: numberFromEnv(env, 'WRK_SUBGRAPH_TIMEOUT_MS', 10_000),
    identityMs: numberFromEnv(env, 'WRK_IDENTITY_TIMEOUT_MS', 3_000),
    ownerCheckMs: numberFromEnv(env, 'WRK_OWNER_CHECK_TIMEOUT_MS', 8_000),
    readyMs: numberFromEnv(env, 'WRK_READY_TIMEOUT_MS', 2_000),
    statementMs: numberFromEnv(env, 'WRK_DB_STATEMENT_TIMEOUT_MS', 10_000),
    connectMs: numberFromEnv(env, 'WRK_DB_CONNECT_TIMEOUT_MS', 10_000),
    retryAfterSeconds: numberFromEnv(env, 'WRK_RETRY_AFTER_SECONDS', 2),
  };
}

export const timeouts = timeoutsFromEnv();

/** The timeout settings of a node-postgres pool or client (Prisma's adapter takes the same). */
export const postgresTimeouts = () => ({
  connectionTimeoutMillis: timeouts.connectMs,
  statement_timeout: timeouts.statementMs,
  // Postgres cannot cancel a statement it never received: the client gives up a little after the server would have.
  query_timeout: timeouts.statementMs + 1_000,
});

/** A signal that fires after `ms`, or at `deadline` (epoch ms) when that comes first. */
export function deadlineSignal(ms: number, deadline?: number): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.min(ms, deadline === undefined ? ms : deadline - Date.now())));
}

/** The deadline (epoch ms) of the request this code runs for, where a server set one with `deadlines.run`. */
export const deadlines = new AsyncLocalStorage<number | undefined>();

/**
 * At most `max` requests in progress in this process: one more is refused at once with 503 OVERLOADED and Retry-After
 * (a fast refusal the client can retry elsewhere or later) instead of queueing without bound.
 */
export function concurrencyLimit(max: number, retryAfterSeconds = timeouts.retryAfterSeconds): NodeMiddleware {
  let inFlight = 0;
  return (_request, response, next) => {
    if (inFlight >= max) {
      logThrottled('warn', 'overloaded', { limit: max }, 'request shed: too many requests in progress');
      response.setHeader('retry-after', String(retryAfterSeconds));
      sendJson(response, 503, graphQLErrorBody(ErrorCode.OVERLOADED, 'The service is overloaded: retry later'));
      return;
    }
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
    });
    next();
  };
}

const THROTTLE_MS = 10_000;
const lastLogged = new Map<string, { at: number; suppressed: number }>();

/**
 * One log line per cause per 10 s: an outage fails every request the same way, and a line (with its stack) for each
 * would bury everything else. The next line of a cause counts the ones it stood for.
 */
export function logThrottled(level: 'warn' | 'error', cause: string, details: Record<string, unknown>, message: string): void {
  const now = Date.now();
  const last = lastLogged.get(cause);
  if (last && now - last.at < THROTTLE_MS) {
    last.suppressed += 1;
    return;
  }
  lastLogged.set(cause, { at: now, suppressed: 0 });
  logger[level]({ cause, ...details, ...(last?.suppressed ? { repeated: last.suppressed } : {}) }, message);
}
