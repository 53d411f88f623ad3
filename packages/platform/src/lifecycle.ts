import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { ErrorCode } from './errors.ts';
import { graphQLErrorBody, pathOf, sendJson, type NodeMiddleware } from './http.ts';
import { logger } from './logger.ts';
import { numberFromEnv } from './limits.ts';
import { timeouts } from './resilience.ts';
import { httpRequestDuration, httpRequests, httpRequestsInFlight } from './metrics.ts';
import { endServerSpan, runInSpanContext, serverSpan, stopTracing } from './tracing.ts';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope, type RequestScope } from './requestScope.ts';

/** How long in-flight requests may take to finish once a process is told to stop (ms). */
export const shutdownTimeoutMs = (env: NodeJS.ProcessEnv = process.env) => numberFromEnv(env, 'WRK_SHUTDOWN_TIMEOUT', 10_000);

/** A readiness check bounded in time: false when it fails or has not answered within `timeoutMs`. */
export async function readyWithin(check: (signal: AbortSignal) => Promise<boolean>, timeoutMs = timeouts.readyMs): Promise<boolean> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(false);
    }, timeoutMs);
  });
  try {
    return await Promise.race([check(controller.signal).catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Probes and scrapes: answered while draining (readiness then says 503), never logged per request. */
const PROBES = new Set(['/health', '/ready', '/metrics']);
const KNOWN_ROUTES = new Set(['/graphql', '/mcp', '/webhooks/box', '/.well-known/jwks.json', ...PROBES]);
/** A bounded route label: known paths and internal routes by name, anything else `other`. */
const routeOf = (path: string) => (KNOWN_ROUTES.has(path) || /^\/internal\/[a-z-]{1,40}$/.test(path) ? path : 'other');

export interface ServerLifecycle {
  /**
   * The first middleware of an app (and of a route served without Express): request scope and ID, metrics, access
   * log, refusal while draining.
   */
  readonly handleRequests: NodeMiddleware;
  /**
   * A route served before the lifecycle (the Box webhook intake, whose work costs less than a request's scope, metrics
   * and access log), drained as the rest are: refused while draining, and a drain waits for its answers in progress.
   */
  readonly held: (handle: RequestListener) => RequestListener;
  readonly draining: boolean;
  readonly inFlight: number;
  /**
   * Stops taking requests and lets the in-flight ones finish: from now on readiness answers 503, every new request is
   * answered 503 (`UNAVAILABLE`, `Retry-After: 1`) with `Connection: close`, idle keep-alive connections are
   * closed and every answer closes its connection. When the last in-flight request is answered — or after
   * `deadlineMs`, cutting what still runs — the listener closes.
   */
  drain(httpServer: Server, deadlineMs?: number): Promise<void>;
}

export interface LifecycleOptions {
  /** Take the caller's `x-request-id` (subgraphs: the gateway sends it); the gateway makes its own. */
  acceptRequestId: boolean;
}

export function serverLifecycle(service: string, options: LifecycleOptions): ServerLifecycle {
  let draining = false;
  const active = new Set<ServerResponse>();
  let allDone: (() => void) | undefined;

  const refuse = (response: ServerResponse) => {
    response.setHeader('connection', 'close');
    response.setHeader('retry-after', '1');
    sendJson(response, 503, graphQLErrorBody(ErrorCode.UNAVAILABLE, 'The server is shutting down: retry the request'));
  };

  /** Counts the answer as in progress until its connection is done with it: a drain waits for it. */
  const hold = (response: ServerResponse) => {
    active.add(response);
    response.once('close', () => {
      active.delete(response);
      if (active.size === 0) allDone?.();
    });
  };

  const track = (request: IncomingMessage, path: string, response: ServerResponse, scope: RequestScope) => {
    const route = routeOf(path);
    const stopTimer = httpRequestDuration.startTimer({ service, route });
    const started = performance.now();
    hold(response);
    httpRequestsInFlight.inc({ service });
    response.once('close', () => {
      httpRequestsInFlight.dec({ service });
      const status = response.headersSent ? response.statusCode : 499;
      httpRequests.inc({ service, method: request.method, route, status: String(status) });
      stopTimer();
      const line = { service, method: request.method, route, status, ms: Math.round(performance.now() - started) };
      // In the request's scope, relabelled by then with its claims' ID (a 'close' listener does not inherit it).
      runInRequestScope(scope, () => (PROBES.has(path) ? logger.debug(line, 'request') : logger.info(line, 'request')));
    });
  };

  const handleRequests: ServerLifecycle['handleRequests'] = (request, response, next) => {
    const scope = { requestId: requestIdFrom(options.acceptRequestId ? request.headers[REQUEST_ID_HEADER] : undefined) };
    // Every answer names its request (refusals while draining, overload and 5xx included): the ID of its log lines.
    response.setHeader(REQUEST_ID_HEADER, scope.requestId);
    const path = pathOf(request);
    runInRequestScope(scope, () => {
      if (draining && !PROBES.has(path)) {
        httpRequests.inc({ service, method: request.method, route: routeOf(path), status: '503' });
        return refuse(response);
      }
      track(request, path, response, scope);
      if (draining) response.setHeader('connection', 'close');
      if (PROBES.has(path)) return next();
      const traced = serverSpan(service, request.method ?? 'GET', routeOf(path), request.headers);
      response.once('close', () => endServerSpan(traced.span, response.headersSent ? response.statusCode : 499, scope.requestId));
      runInSpanContext(traced.context, next);
    });
  };

  return {
    handleRequests,
    held: (handle) => (request, response) => {
      if (draining) return refuse(response);
      hold(response);
      handle(request, response);
    },
    get draining() {
      return draining;
    },
    get inFlight() {
      return active.size;
    },
    async drain(httpServer, deadlineMs = shutdownTimeoutMs()) {
      draining = true;
      for (const response of active) if (!response.headersSent) response.setHeader('connection', 'close');
      httpServer.closeIdleConnections();
      if (active.size > 0) {
        logger.info({ service, inFlight: active.size, deadlineMs }, 'draining: waiting for in-flight requests');
        const finished = new Promise<boolean>((resolve) => {
          allDone = () => resolve(true);
        });
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), deadlineMs);
        });
        if (!(await Promise.race([finished, deadline]))) {
          logger.warn({ service, inFlight: active.size }, 'shutdown deadline passed: cutting the requests still running');
        }
        clearTimeout(timer);
      }
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await closed;
    },
  };
}

/**
 * SIGTERM and SIGINT stop the process once, in order (`stop`: drain servers, stop workers, close pools), and exit 0;
 * a stop that hangs past the deadline and a grace period exits 1. Replaces other handlers of these signals.
 */
export function stopOnSignals(stop: () => Promise<void>, deadlineMs = shutdownTimeoutMs()): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, deadlineMs + 5_000).unref();
    stop()
      .then(stopTracing)
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
}
