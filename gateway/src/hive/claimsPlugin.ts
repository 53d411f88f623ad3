import { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError, isSchema, Kind, parse, type DocumentNode } from 'graphql';
import {
  CLAIMS_HEADER,
  forbidden,
  REQUEST_ID_HEADER,
  scopeIndex,
  signClaims,
  timeouts,
  type Claims,
  type ServiceKeyring,
} from '@wrk/platform';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { isRefusal, refusalOf, type CallerRequest, type ClaimsOf } from '../guard.ts';
import { violationsIn } from '../scopes.ts';

export interface ClaimsPluginOptions {
  /** Who calls (callerAuthentication in ../authentication.ts): the same check WRK's gateway makes. */
  claimsOf: ClaimsOf;
  /** The gateway's keyring: its private key signs every subgraph request. */
  keyring: ServiceKeyring;
  /** Where each subgraph answers: a fetch to one of these URLs is signed for that subgraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** The supergraph served: its `@scopes` are checked before execution, as WRK's gateway checks them. */
  supergraphSdl: string;
  /** The GraphQL endpoint's path; other paths (health, readiness) are not authenticated. */
  graphqlPath?: string;
}

/** The plugin's addition to Hive Gateway's context: the caller's claims. */
export interface WrkClaimsContext {
  wrkClaims: Claims;
}

/** Schema loading and other fetches made without a caller are signed as the gateway itself, as WRK's gateway does. */
const gatewayClaims = (): Claims => ({ kind: 'system', agent: 'gateway', scopes: [], teams: [], requestId: 'gateway' });

/** The address the request came from, when the server is Node's (Hive's default); the rate limiter counts by it. */
const remoteAddress = (serverContext: unknown): string | undefined =>
  typeof serverContext === 'object' && serverContext !== null && 'req' in serverContext && serverContext.req instanceof IncomingMessage
    ? serverContext.req.socket.remoteAddress
    : undefined;

/** The GraphQL request a subgraph fetch carries, as the subgraph will read it (the claims are bound to it). */
function operationOf(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The executed document (typed loosely by Hive's plugin interface). */
const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && 'kind' in value && value.kind === Kind.DOCUMENT;

/** A refusal as graphql-yoga answers it: the HTTP status and headers (a record, not Apollo's Map) in `extensions.http`. */
function yogaRefusal(error: GraphQLError): GraphQLError {
  const { status, headers, body } = refusalOf(error);
  return new GraphQLError(error.message, {
    extensions: { ...body.errors[0]?.extensions, http: { status, headers: Object.fromEntries(headers) } },
  });
}

/**
 * WRK's trust boundary on Hive Gateway: every GraphQL request is authenticated as WRK's gateway does it (bearer JWT
 * against identity's keys, rate limits, the session at identity through the session cache) and refused the same way
 * (401 with a Bearer challenge, 429, 503); an operation selecting what the token's scopes do not allow is refused
 * before any subgraph is asked (403, as scopes.ts does for WRK's gateway); every subgraph request carries the caller's claims signed for that subgraph
 * and that operation (x-wrk-claims) and the request ID. Subgraphs trust nothing else, so a gateway without this plugin
 * gets nothing from them.
 */
export function useWrkClaims(options: ClaimsPluginOptions): GatewayPlugin<WrkClaimsContext> {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const subgraphAt = new Map(SUBGRAPHS.map((name) => [options.subgraphUrls[name], name]));
  const claimsOfRequest = new WeakMap<Request, Claims>();
  const scopes = scopeIndex(parse(options.supergraphSdl));

  return {
    async onRequest(payload) {
      const { request, url, serverContext, fetchAPI } = payload;
      if (url.pathname !== graphqlPath) return;
      const caller: CallerRequest = {
        headers: { authorization: request.headers.get('authorization') ?? undefined },
        socket: { remoteAddress: remoteAddress(serverContext) },
      };
      const requestId = randomUUID();
      try {
        claimsOfRequest.set(request, await options.claimsOf(caller, { requestId, deadline: Date.now() + timeouts.requestMs }));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        const refusal = refusalOf(error);
        const headers = new fetchAPI.Headers([...refusal.headers, ['content-type', 'application/json'], ['x-request-id', requestId]]);
        payload.endResponse(new fetchAPI.Response(JSON.stringify(refusal.body), { status: refusal.status, headers }));
      }
    },
    onContextBuilding({ context, extendContext }) {
      const claims = claimsOfRequest.get(context.request);
      if (claims) extendContext({ wrkClaims: claims });
    },
    onExecute(payload) {
      const { args } = payload;
      const claims = args.contextValue.wrkClaims;
      const document: unknown = args.document;
      const schema: unknown = args.schema;
      if (!claims || !isDocument(document) || !isSchema(schema)) return;
      const violations = violationsIn(document, schema, scopes, claims.scopes);
      if (violations.length) payload.setResultAndStopExecution({ errors: [yogaRefusal(forbidden(violations))] });
    },
    onFetch(payload) {
      const { url, options: init, context } = payload;
      const subgraph = subgraphAt.get(url);
      if (!subgraph) return;
      const claims = ('wrkClaims' in context ? context.wrkClaims : undefined) ?? gatewayClaims();
      payload.setOptions({
        ...init,
        headers: {
          ...init.headers,
          [CLAIMS_HEADER]: signClaims(options.keyring, subgraph, operationOf(init.body), claims),
          [REQUEST_ID_HEADER]: claims.requestId,
        },
      });
    },
    onResponse({ request, response }) {
      const claims = claimsOfRequest.get(request);
      if (claims) response.headers.set('x-request-id', claims.requestId);
    },
  };
}
