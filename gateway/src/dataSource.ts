import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { CLAIMS_HEADER, signClaims, type ServiceKeyring } from '@wrk/platform';
import type { GatewayContext } from './context.ts';

/**
 * One keep-alive connection pool for all subgraph requests: Apollo's default fetcher opens a connection per
 * request, which halved throughput in our measurements.
 */
const keepAliveAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
/** `pnpm bench` turns keep-alive off for a while to measure what it brings; it is always on otherwise. */
export const subgraphKeepAlive = { enabled: true };
let closingAgent: Agent | undefined;
const keepAliveFetch = ((url: string, init: RequestInit) =>
  undiciFetch(url, {
    ...(init as object),
    // pipelining 0: undici closes each connection after its request.
    dispatcher: subgraphKeepAlive.enabled ? keepAliveAgent : (closingAgent ??= new Agent({ pipelining: 0 })),
  })) as unknown as typeof fetch;

/** Counts subgraph requests per operation (benchmarks read it). */
export const subgraphFetches = { count: 0 };

/**
 * Sends each subgraph request with the caller's claims, signed for that subgraph and that operation only (claims.ts):
 * subgraphs trust nothing else, and a captured header is good for nothing but the request it came with.
 */
export class SignedClaimsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly subgraph: string,
    private readonly keyring: ServiceKeyring,
  ) {
    super({ url, fetcher: keepAliveFetch as never });
  }

  override willSendRequest(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    subgraphFetches.count += 1;
    const { request } = options;
    if (!request.http) return;
    // Health checks and schema loading have no incoming request: signed as the gateway itself.
    const claims =
      'incomingRequestContext' in options
        ? options.incomingRequestContext.context.claims
        : { kind: 'system' as const, agent: 'gateway', scopes: [], teams: [], requestId: 'gateway' };
    const body = { query: request.query, operationName: request.operationName, variables: request.variables };
    request.http.headers.set(CLAIMS_HEADER, signClaims(this.keyring, this.subgraph, body, claims));
  }
}
