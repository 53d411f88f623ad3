import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { CLAIMS_HEADER, signClaims } from '@wrk/platform';
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

/** Sends each subgraph request with the caller's claims, signed: subgraphs trust nothing else. */
export class SignedClaimsDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string) {
    super({ url, fetcher: keepAliveFetch as never });
  }

  override async willSendRequest(options: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    subgraphFetches.count += 1;
    const headers = options.request.http?.headers;
    if (!headers) return;
    if ('incomingRequestContext' in options) {
      // One signature per operation, shared by all its subgraph fetches.
      const context = options.incomingRequestContext.context;
      headers.set(CLAIMS_HEADER, await (context.signedClaims ??= signClaims(context.claims, this.secret)));
    } else {
      // Health checks and schema loading have no incoming request: signed as the gateway itself.
      headers.set(CLAIMS_HEADER, await signClaims({ kind: 'system', agent: 'gateway', scopes: [], teams: [], requestId: 'gateway' }, this.secret));
    }
  }
}
