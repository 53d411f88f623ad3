import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { CLAIMS_HEADER, measuredSubgraphFetch, REQUEST_ID_HEADER, signClaims, type ServiceKeyring } from '@wrk/platform';
import type { GatewayContext } from './context.ts';

/**
 * One keep-alive connection pool for all subgraph requests: Apollo's default fetcher opens a connection per
 * request, which halved throughput in our measurements.
 */
export const keepAliveAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });

/** Wraps the dispatcher of subgraph requests: tests and benchmarks count them or switch keep-alive off this way. */
export type DispatcherWrapper = (dispatcher: Dispatcher) => Dispatcher;

/** The fetcher Apollo's data source calls (its own minimal fetch interface). */
type Fetcher = RemoteGraphQLDataSource<GatewayContext>['fetcher'];

export const subgraphFetcher =
  (dispatcher: Dispatcher): Fetcher =>
  (url, init) =>
    undiciFetch(url, { ...init, dispatcher });

/**
 * Sends each subgraph request with the caller's claims, signed for that subgraph and that operation only (claims.ts):
 * subgraphs trust nothing else, and a captured header is good for nothing but the request it came with.
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

  /** Every subgraph request counted and timed (wrk_subgraph_fetches_total, wrk_subgraph_fetch_duration_seconds). */
  override process(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0]) {
    const operation = 'incomingRequestContext' in options ? options.incomingRequestContext.operationName : 'gateway';
    return measuredSubgraphFetch(this.subgraph, operation, () => super.process(options));
  }
}
