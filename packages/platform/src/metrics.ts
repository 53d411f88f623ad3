import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Express, Request } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';
import { logger } from './logger.ts';

/**
 * Prometheus metrics of this process (prom-client's default registry), served at /metrics by every app. One process
 * may serve several services (the all-in-one `pnpm start`), so every series carries its `service`.
 */
export const metricsRegistry = register;
collectDefaultMetrics({ register, prefix: 'wrk_' });

/** Durations in seconds: from a cache hit to a request that waited for a stalled dependency. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpRequestsInFlight = new Gauge({
  name: 'wrk_http_requests_in_flight',
  help: 'HTTP requests being handled now',
  labelNames: ['service'] as const,
});
export const httpRequests = new Counter({
  name: 'wrk_http_requests_total',
  help: 'HTTP requests answered, by route and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
});
export const httpRequestDuration = new Histogram({
  name: 'wrk_http_request_duration_seconds',
  help: 'Time from a request to its answer',
  labelNames: ['service', 'route'] as const,
  buckets: DURATION_BUCKETS,
});
const graphqlOperations = new Counter({
  name: 'wrk_graphql_operations_total',
  help: 'GraphQL operations answered, by operation name and type',
  labelNames: ['service', 'operation', 'type'] as const,
});
const graphqlErrors = new Counter({
  name: 'wrk_graphql_errors_total',
  help: 'Errors in GraphQL answers, by operation name and extensions.code',
  labelNames: ['service', 'operation', 'code'] as const,
});
const graphqlDuration = new Histogram({
  name: 'wrk_graphql_operation_duration_seconds',
  help: 'Time from a GraphQL request to its answer, by operation name and type',
  labelNames: ['service', 'operation', 'type'] as const,
  buckets: DURATION_BUCKETS,
});
const subgraphFetches = new Counter({
  name: 'wrk_subgraph_fetches_total',
  help: "The gateway's requests to subgraphs, by subgraph, client operation and outcome (ok, errors, failed)",
  labelNames: ['subgraph', 'operation', 'outcome'] as const,
});
const subgraphFetchDuration = new Histogram({
  name: 'wrk_subgraph_fetch_duration_seconds',
  help: "Time of the gateway's requests to subgraphs",
  labelNames: ['subgraph', 'operation'] as const,
  buckets: DURATION_BUCKETS,
});

/**
 * Operation names come from clients: a label takes a plain name, and at most MAX_OPERATION_NAMES distinct ones per
 * process (later ones count as `other`), so a client cannot grow the series without bound.
 */
const MAX_OPERATION_NAMES = 500;
const operationNames = new Set<string>();
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_]\w{0,127}$/.test(name)) return 'invalid';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

/** Counts, errors and latency of every GraphQL operation the server answers. */
export function operationMetrics<TContext extends BaseContext>(service: string): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const stopTimer = graphqlDuration.startTimer();
      const labelsOf = (name: string | null | undefined) => ({ service, operation: operationLabel(name ?? request.operationName) });
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            const code = error.extensions.code;
            graphqlErrors.inc({ ...labelsOf(operationName), code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' });
          }
        },
        async willSendResponse({ operationName, operation }) {
          const labels = { ...labelsOf(operationName), type: operation?.operation ?? 'none' };
          graphqlOperations.inc(labels);
          stopTimer(labels);
        },
      };
    },
  };
}

/** Times one request to a subgraph and counts its outcome: answered cleanly, answered with errors, or failed. */
export async function measuredSubgraphFetch<T extends { errors?: readonly unknown[] }>(
  subgraph: string,
  operation: string | null | undefined,
  fetch: () => Promise<T>,
): Promise<T> {
  const labels = { subgraph, operation: operationLabel(operation) };
  const stopTimer = subgraphFetchDuration.startTimer(labels);
  try {
    const response = await fetch();
    subgraphFetches.inc({ ...labels, outcome: response.errors?.length ? 'errors' : 'ok' });
    return response;
  } catch (error) {
    subgraphFetches.inc({ ...labels, outcome: 'failed' });
    throw error;
  } finally {
    stopTimer();
  }
}

/** What a node-postgres pool tells of itself. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new Map<string, PoolStats>();
new Gauge({
  name: 'wrk_db_pool_connections',
  help: 'Database pool connections: open (total), idle, and callers waiting for one',
  labelNames: ['pool', 'state'] as const,
  collect() {
    this.reset();
    for (const [pool, stats] of pools) {
      this.set({ pool, state: 'total' }, stats.totalCount);
      this.set({ pool, state: 'idle' }, stats.idleCount);
      this.set({ pool, state: 'waiting' }, stats.waitingCount);
    }
  },
});
/** Reports a pool's usage under `name` (a later pool of the same name replaces it). */
export function watchPool(name: string, pool: PoolStats): void {
  pools.set(name, pool);
}

/** A source of gauges read when /metrics is scraped (e.g. the worker's outbox and queue), with its own deadline. */
export type GaugeSource = () => Promise<Record<string, number>>;
const sources = new Map<string, GaugeSource>();
const SOURCE_TIMEOUT_MS = 2_000;
const sourcedValues = new Gauge({
  name: 'wrk_backlog',
  help: 'Backlogs read at scrape time: outbox_pending (events not yet queued), outbox_lag_seconds (age of the oldest), queue_ready, queue_running, queue_failing (jobs)',
  labelNames: ['source', 'measure'] as const,
  async collect() {
    this.reset();
    await Promise.all(
      [...sources].map(async ([source, read]) => {
        const timeout = new Promise<never>((_resolve, reject) => {
          setTimeout(() => reject(new Error(`${source} did not answer within ${SOURCE_TIMEOUT_MS} ms`)), SOURCE_TIMEOUT_MS).unref();
        });
        const values = await Promise.race([read(), timeout]).catch((error: unknown) => {
          logger.warn({ err: error, source }, 'a metrics source failed; its gauges are left out of this scrape');
          return {};
        });
        for (const [measure, value] of Object.entries(values)) sourcedValues.set({ source, measure }, value);
      }),
    );
  },
});
/** Registers a source of backlog gauges; returns its removal. */
export function watchBacklog(source: string, read: GaugeSource): () => void {
  sources.set(source, read);
  return () => {
    if (sources.get(source) === read) sources.delete(source);
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read /metrics: with WRK_METRICS_TOKEN set, whoever sends it as a bearer token; without it, callers on
 * loopback only (a scraper beside the process). Anyone else gets the answer of a route that does not exist.
 */
export function mayReadMetrics(request: Request, token = process.env.WRK_METRICS_TOKEN): boolean {
  if (token) {
    const sent = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    return sent !== undefined && timingSafeEqual(digest(sent), digest(token));
  }
  return LOOPBACK.test(request.socket.remoteAddress ?? '');
}

/** GET /metrics in Prometheus' text format. */
export function metricsRoute(app: Express): void {
  app.get('/metrics', async (request, response, next) => {
    if (!mayReadMetrics(request)) return next();
    response.setHeader('content-type', metricsRegistry.contentType);
    response.send(await metricsRegistry.metrics());
  });
}
