import './env.ts';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import {
  concurrencyLimit,
  ErrorCode,
  formatError,
  hideSchemaSuggestions,
  httpErrors,
  listen,
  logger,
  metricsRoute,
  numberFromEnv,
  operationLimits,
  operationMetrics,
  readyWithin,
  serverLifecycle,
  stopInOrder,
  type Claims,
  type RunningServer,
  type ServeFirst,
  timeouts,
  type ServiceKeyring,
} from '@wrk/platform';
import { anonymousClaims } from './auth.ts';
import type { SessionCacheSettings } from './sessionCache.ts';
import { callerAuthentication } from './authentication.ts';
import { scopesPlugin } from './scopes.ts';
import { introspectionPolicy } from './limits.ts';
import { guardRequests, timeRequests, timingOf } from './guard.ts';
import { graphqlWithoutExpress } from './graphqlRoute.ts';
import type { RateLimits } from './rateLimit.ts';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import type { GatewayContext } from './context.ts';
import { keepAliveAgent, type DispatcherWrapper } from './dataSource.ts';
import { ContainedDataSource } from './subgraphResponses.ts';
import { explorerRoutes, offlineExplorer, type DemoSignIn } from './explorer.ts';
import { scalarParsing } from './scalars.ts';
import { BOX_WEBHOOK_PATH, boxWebhookPassThrough } from './webhooks.ts';
import { provenanceCheck, provenancePlugin } from './provenance.ts';
import { documentIdAsPersistedQuery, manifestCache, trustedDocuments, trustedOnlyFromEnv, type TrustedOnly } from './trustedDocuments.ts';
import { MCP_PATH, mcpHandler } from './mcp/server.ts';
import { apiSchemaOf, loadOperations } from './mcp/operations.ts';

/**
 * The largest request body, in bytes: ample for any operation a client writes (the largest list argument, 1000 IDs,
 * is ~25 kB); a body beyond it is refused (413) from its Content-Length, before anything else is done for it.
 */
const MAX_BODY_BYTES = numberFromEnv(process.env, 'WRK_MAX_BODY_BYTES', 256 * 1024);

/** Responses from this size on are compressed when the client accepts it. */
const LARGE_RESPONSE_BYTES = 16 * 1024;

export interface GatewayOptions {
  supergraphSdl: string;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  /** The gateway's private key (it signs the claims of every subgraph request) and the services' public keys. */
  keyring: ServiceKeyring;
  port?: number;
  host?: string;
  /** Where the rate limiter keeps its counters, shared by every gateway process. */
  databaseUrl: string;
  /** Overrides the session cache settings read from the environment (WRK_SESSION_CACHE_MAX, WRK_SESSION_CACHE_MS). */
  sessionCache?: Partial<SessionCacheSettings>;
  /** Overrides the rate limits read from the environment. */
  rateLimits?: Partial<RateLimits>;
  /** Wraps the keep-alive dispatcher of subgraph requests (tests count them, the benchmark compares without keep-alive). */
  wrapDispatcher?: DispatcherWrapper;
  /**
   * Overrides WRK_ENTITY_BATCHING (default true): entity fetches of one request to one subgraph de-duplicated and
   * merged (entityBatching.ts); false sends them as Apollo's gateway plans them.
   */
  entityBatching?: boolean;
  /** Overrides WRK_TRUSTED_ONLY: whose tokens may run only the operations of the manifest. */
  trustedOnly?: TrustedOnly;
  /** The explorer's "sign in as a demo user": only on the embedded demo database (startStack), never in production. */
  demoSignIn?: DemoSignIn;
}

/**
 * Ready: the supergraph is loaded (it is, once the server has started) and identity, which every authenticated request
 * asks, answers its own readiness within WRK_READY_TIMEOUT_MS. Other subgraphs being down does not make the gateway
 * unready: taking every gateway out of rotation for one subgraph would turn a partial outage into a whole one.
 */
const identityReady = (identityUrl: string) =>
  readyWithin(async (signal) => (await fetch(identityUrl.replace(/\/graphql$/, '/ready'), { signal })).ok);

/**
 * Nothing could be answered because a dependency is unavailable (or this process is overloaded): 503 with Retry-After,
 * so clients retry instead of reading an empty answer as final. A partial answer keeps its 200.
 */
function unavailableStatus(): ApolloServerPlugin<GatewayContext> {
  const retryable = new Set<unknown>([ErrorCode.UNAVAILABLE, ErrorCode.OVERLOADED]);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== null && data !== undefined) return;
          if (!errors?.some((error) => retryable.has(error.extensions?.code))) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(timeouts.retryAfterSeconds));
        },
      };
    },
  };
}

/** Requests in progress per gateway process beyond which more are refused (WRK_MAX_CONCURRENT_REQUESTS). */
const DEFAULT_MAX_CONCURRENT = 256;

/** A subgraph's URL: the one configured for it, else the one the supergraph names. */
function subgraphUrl(urls: Record<SubgraphName, string>, name: string, url: string | undefined): string {
  const known = SUBGRAPHS.find((subgraph) => subgraph === name);
  const resolved = known ? urls[known] : url;
  if (resolved === undefined) throw new Error(`no URL for subgraph ${name}`);
  return resolved;
}

export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const dispatcher = options.wrapDispatcher?.(keepAliveAgent) ?? keepAliveAgent;
  const batchEntities = options.entityBatching ?? process.env.WRK_ENTITY_BATCHING !== 'false';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new ContainedDataSource(subgraphUrl(options.subgraphUrls, name, url), name, options.keyring, dispatcher, batchEntities),
  });
  const limits = operationLimits();
  const operations = loadOperations();
  const checkProvenance = provenanceCheck(options.subgraphUrls.agents, options.keyring);
  const lifecycle = serverLifecycle('gateway', { acceptRequestId: false });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    // The process stops its servers itself, draining them first (platform's lifecycle.ts, stopOnSignals).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Only the curated operations' IDs are known: clients cannot register documents of their own.
    persistedQueries: { cache: manifestCache(operations) },
    // Introspection is enabled here and restricted per caller by introspectionPolicy.
    introspection: true,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    plugins: [
      offlineExplorer(operations, options.demoSignIn),
      operationMetrics<GatewayContext>('gateway'),
      unavailableStatus(),
      scalarParsing(),
      ...limits.plugins,
      hideSchemaSuggestions<GatewayContext>(),
      introspectionPolicy(),
      scopesPlugin(options.supergraphSdl),
      provenancePlugin(checkProvenance),
      trustedDocuments(operations, options.trustedOnly ?? trustedOnlyFromEnv(process.env)),
    ],
  });
  await server.start();
  const authentication = callerAuthentication({ identityUrl: options.subgraphUrls.identity, ...options });
  const { claimsOf } = authentication;

  const app = express();
  app.disable('x-powered-by');
  // Express would hash every answer for an ETag: GraphQL POSTs are never revalidated, and static assets are immutable.
  app.disable('etag');
  app.use(lifecycle.handleRequests);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  explorerRoutes(app, options.demoSignIn);
  app.get('/ready', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const ready = await identityReady(options.subgraphUrls.identity);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  // Authenticated by Box's signature, which the files subgraph verifies: no bearer token, no rate limit by address
  // (counting refusals there would cost more than verifying them).
  const webhooks = boxWebhookPassThrough(options.subgraphUrls.files, dispatcher, MAX_BODY_BYTES, { held: lifecycle.held });
  app.post(BOX_WEBHOOK_PATH, ...webhooks.handlers);
  const bounded = concurrencyLimit(numberFromEnv(process.env, 'WRK_MAX_CONCURRENT_REQUESTS', DEFAULT_MAX_CONCURRENT));
  // GETs and any POST that is not plain JSON; a plain JSON POST, every client's usual request, is served the same way
  // without Express (graphqlRoute.ts, taken first by `listen`).
  app.use(
    '/graphql',
    // Refused for overload before anything else is spent on the request (the plain route keeps this order too).
    bounded,
    timeRequests,
    guardRequests(claimsOf, MAX_BODY_BYTES),
    // Large answers only (the schema's introspection is ~290 kB of JSON, ~30 kB gzipped): small ones are not worth the CPU.
    compression({ threshold: LARGE_RESPONSE_BYTES }),
    express.json({ limit: MAX_BODY_BYTES }),
    documentIdAsPersistedQuery,
    expressMiddleware(server, {
      context: async ({ req, res }) => ({ claims: (res.locals.claims as Claims | undefined) ?? (await claimsOf(req, timingOf(res))) }),
    }),
  );
  const mcp = mcpHandler({
    apollo: server,
    supergraphSdl: options.supergraphSdl,
    schema: apiSchemaOf(options.supergraphSdl),
    operations,
    checkProvenance,
  });
  // Stateless: every MCP message is a POST; there is no session stream to GET or DELETE.
  app.post(MCP_PATH, bounded, timeRequests, guardRequests(claimsOf, MAX_BODY_BYTES), express.json({ limit: MAX_BODY_BYTES }), (req, res) =>
    mcp(req, res, (res.locals.claims as Claims | undefined) ?? anonymousClaims('')),
  );
  app.all(MCP_PATH, (_req, res) => {
    res.setHeader('allow', 'POST');
    res
      .status(405)
      .json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Method not allowed: stateless MCP takes POST only' } });
  });
  metricsRoute(app);
  app.use(httpErrors);

  const host = options.host ?? '127.0.0.1';
  const graphqlFirst = graphqlWithoutExpress({
    server,
    lifecycle,
    bounded,
    claimsOf,
    maxBodyBytes: MAX_BODY_BYTES,
    compressFrom: LARGE_RESPONSE_BYTES,
  });
  const serveFirst: ServeFirst = (request, response) => webhooks.serveFirst(request, response) || graphqlFirst(request, response);
  const { httpServer, port } = await listen(app, options.port ?? 0, host, serveFirst);
  logger.info({ port }, 'gateway listening');
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/graphql`,
    port,
    stop: stopInOrder(
      httpServer,
      lifecycle,
      () => server.stop(),
      () => authentication.close(),
    ),
  };
}
