import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { GraphQLError } from 'graphql';
import {
  CLAIMS_HEADER,
  deadlines,
  isUnavailableError,
  deadlineSignal,
  logThrottled,
  measuredSubgraphFetch,
  REQUEST_ID_HEADER,
  signClaims,
  timeouts,
  unavailable,
  type ServiceKeyring,
} from '@wrk/platform';
import type { GatewayContext } from './context.ts';

/**
 * One keep-alive connection pool for all subgraph requests: Apollo's default fetcher opens a connection per
 * request, which halved throughput in our measurements.
 */
export const keepAliveAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128, connectTimeout: timeouts.subgraphMs });

/** Wraps the dispatcher of subgraph requests: tests and benchmarks count them or switch keep-alive off this way. */
export type DispatcherWrapper = (dispatcher: Dispatcher) => Dispatcher;

/** The fetcher Apollo's data source calls (its own minimal fetch interface). */
type Fetcher = RemoteGraphQLDataSource<GatewayContext>['fetcher'];

/**
 * Each subgraph request gives up after WRK_SUBGRAPH_TIMEOUT_MS, or at the request's deadline when that comes first
 * (the deadline of the request it serves, set by SignedClaimsDataSource.process).
 */
export const subgraphFetcher =
  (dispatcher: Dispatcher): Fetcher =>
  (url, init) =>
    undiciFetch(url, { ...init, dispatcher, signal: deadlineSignal(timeouts.subgraphMs, deadlines.getStore()) });

type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

/** Statuses that say the subgraph cannot answer now (its own 503s: overloaded, database down, past the deadline). */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Sends each subgraph request with the caller's claims, signed for that subgraph and that operation only (claims.ts):
 * subgraphs trust nothing else, and a captured header is good for nothing but the request it came with. The claims
 * carry the request's deadline; a subgraph that does not answer in time, or cannot be reached, is UNAVAILABLE at the
 * fields it was asked for.
 */
export class SignedClaimsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    readonly subgraph: string,
    private readonly keyring: ServiceKeyring,
    fetcher: Fetcher,
  ) {
    super({ url, fetcher });
  }

  override willSendRequest(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    const { request } = options;
    if (!request.http) return;
    // Health checks and schema loading have no incoming request: signed as the gateway itself.
    const claims =
      'incomingRequestContext' in options
        ? options.incomingRequestContext.context.claims
        : { kind: 'system' as const, agent: 'gateway', scopes: [], teams: [], requestId: 'gateway' };
    const body = { query: request.query, operationName: request.operationName, variables: request.variables };
    request.http.headers.set(CLAIMS_HEADER, signClaims(this.keyring, this.subgraph, body, claims));
    request.http.headers.set(REQUEST_ID_HEADER, claims.requestId);
  }

  /**
   * Every subgraph request counted and timed (wrk_subgraph_fetches_total, wrk_subgraph_fetch_duration_seconds), and
   * run under its request's deadline (read by subgraphFetcher).
   */
  override process(options: ProcessOptions) {
    const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined;
    const operation = incoming ? incoming.operationName : 'gateway';
    return measuredSubgraphFetch(this.subgraph, operation, () =>
      deadlines.run(incoming?.context.claims.deadline, () => super.process(options)),
    );
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): void {
    const unreachable = response === undefined && !(error instanceof GraphQLError);
    if (!unreachable && !isUnavailableError(error) && !UNAVAILABLE_STATUSES.has(response?.status ?? 0)) throw error;
    const cause = response ? `HTTP ${response.status}` : error.name;
    logThrottled('warn', `subgraph ${this.subgraph}: ${cause}`, { subgraph: this.subgraph }, 'subgraph unavailable');
    throw unavailable(`The ${this.subgraph} service is unavailable: retry later`);
  }
}
