import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { CLAIMS_HEADER, gatewaySecret, verifyClaims } from './claims.ts';
import { requestContextFromClaims, type RequestContext } from './context.ts';
import { ErrorCode, unauthenticated } from './errors.ts';
import { enforceScopes } from './scopes.ts';
import { logger } from './logger.ts';

export interface SubgraphDefinition<TContext extends RequestContext = RequestContext> {
  name: string;
  typeDefs: DocumentNode;
  // Resolver maps are checked against the schema by graphql-codegen's generated types in each subgraph.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resolvers: GraphQLResolverMap<any>;
  createContext(request: RequestContext): TContext;
  /** Readiness probe, e.g. a `SELECT 1` on the subgraph's database. */
  isReady?(): Promise<boolean>;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Extra HTTP routes next to /graphql (e.g. identity's JWKS and session endpoints). */
  routes?(app: express.Express): void;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function loadTypeDefs(schemaFile: URL | string): DocumentNode {
  return parse(readFileSync(schemaFile, 'utf8'));
}

/** Extensions that describe the inside: the gateway's report of a failed subgraph fetch (URL, status, body), stacks. */
const INTERNAL_EXTENSIONS = new Set(['response', 'exception', 'stacktrace']);

function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions;
  if (!extensions || !Object.keys(extensions).some((key) => INTERNAL_EXTENSIONS.has(key))) return formatted;
  return { ...formatted, extensions: Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.has(key))) };
}

/** Masks unexpected errors: clients see stable codes, never stack traces, SQL or internal URLs. */
export function formatError(received: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const formatted = withoutInternals(received);
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError && original.extensions?.code && original.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return formatted;
  }
  if (formatted.extensions?.code && formatted.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  // A subgraph already masked (and logged) it; the gateway passes it on.
  if (formatted.message === 'Internal server error') return formatted;
  logger.error({ err: original }, 'unexpected error');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

export function buildSchema(def: SubgraphDefinition) {
  return buildSubgraphSchema([{ typeDefs: def.typeDefs, resolvers: enforceScopes(def.typeDefs, def.resolvers) as typeof def.resolvers }]);
}

/** The claims the gateway signed for this request; UNAUTHENTICATED (401) when missing, forged or expired. */
export async function gatewayClaims(headers: Record<string, string | string[] | undefined>, secret = gatewaySecret()) {
  const header = headers[CLAIMS_HEADER];
  if (typeof header !== 'string') throw unauthenticated('Subgraphs accept only requests signed by the gateway');
  return verifyClaims(header, secret).catch(() => {
    throw unauthenticated('Invalid or expired gateway signature');
  });
}

/** An express app serving the subgraph at /graphql, accepting only requests signed by the gateway. */
export async function createSubgraphApp<TContext extends RequestContext>(def: SubgraphDefinition<TContext>) {
  const secret = gatewaySecret();
  const server = new ApolloServer<TContext>({
    schema: buildSchema(def as unknown as SubgraphDefinition),
    formatError,
    includeStacktraceInErrorResponses: false,
    // Federated traces (ftv1) cost CPU on every request; we do not report to Apollo's cloud.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...(def.plugins ?? [])],
  });
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: def.name });
  });
  app.get('/ready', async (_req, res) => {
    const ready = def.isReady ? await def.isReady().catch(() => false) : true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', subgraph: def.name });
  });
  def.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(server, {
      context: async ({ req }) => def.createContext(requestContextFromClaims(await gatewayClaims(req.headers, secret))),
    }),
  );
  return { app, server };
}

export async function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<{ httpServer: Server; port: number }> {
  const httpServer = createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, resolve);
  });
  return { httpServer, port: (httpServer.address() as AddressInfo).port };
}

export async function startSubgraph<TContext extends RequestContext>(
  def: SubgraphDefinition<TContext>,
  options: { port?: number; host?: string; onStop?: () => Promise<void> } = {},
): Promise<RunningServer> {
  const { app, server } = await createSubgraphApp(def);
  const host = options.host ?? '127.0.0.1';
  const { httpServer, port } = await listen(app, options.port ?? 0, host);
  logger.info({ subgraph: def.name, port }, 'subgraph listening');
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async stop() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await server.stop();
      await options.onStop?.();
    },
  };
}
