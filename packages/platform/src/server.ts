import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, OperationTypeNode, type GraphQLFormattedError, type GraphQLResolveInfo } from 'graphql';
import { isFieldMap, mergeModuleResolvers, modulesTypeDefs, type ModuleResolvers, type SchemaModule } from './schemaFiles.ts';
import {
  CLAIMS_HEADER,
  GATEWAY_SERVICE,
  signDelegated,
  SignatureError,
  verifySignedRequest,
  type Claims,
  type SignedBody,
  type VerifiedRequest,
} from './claims.ts';
import { requestContextFromClaims, type ApprovedProposal, type GraphQLOperation, type RequestContext } from './context.ts';
import { ErrorCode, forbiddenError, isUnavailableError, unauthenticated, unavailable, unavailableResponse } from './errors.ts';
import { concurrencyLimit, deadlines, logThrottled, timeouts } from './resilience.ts';
import { numberFromEnv } from './limits.ts';
import type { ReplayGuard } from './replayGuard.ts';
import { derivedSecret, type ServiceKeyring } from './serviceKeys.ts';
import { setCursorKey } from './cursorKey.ts';
import { enforceScopes, missingScopes, requirementsOf, scopeIndex } from './scopes.ts';
import { mutationFieldsOf } from './heldOperation.ts';
import { logger } from './logger.ts';
import { answerError, httpErrors, type ServeFirst } from './http.ts';
import { executePost, plainPostsFirst, readJsonBody, sendAnswer } from './plainPost.ts';
import { operationLimits } from './limits.ts';
import { hideSchemaSuggestions } from './suggestions.ts';
import { readyWithin, serverLifecycle, type ServerLifecycle } from './lifecycle.ts';
import { metricsRoute, operationMetrics } from './metrics.ts';
import { setCurrentRequestId } from './requestScope.ts';

export interface SubgraphDefinition<TContext extends RequestContext = RequestContext> {
  name: string;
  /** The header's module and each entity's (and shared module's), in schema order (subgraphModules). */
  modules: readonly SchemaModule[];
  createContext(request: RequestContext): TContext;
  /** Readiness probe, e.g. a `SELECT 1` on the subgraph's database. */
  isReady?(): Promise<boolean>;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Extra HTTP routes next to /graphql (e.g. identity's JWKS and session endpoints); `verify` checks a signed request. */
  routes?(
    app: express.Express,
    verify: (req: express.Request) => VerifiedRequest,
    contextFor: (request: VerifiedRequest) => TContext,
  ): void;
  /**
   * Requests served before Express (listen's ServeFirst), given the lifecycle's `held` to wrap their handlers in: they
   * skip its request scope, metrics and access log, but not its drain.
   */
  serveFirst?: (held: ServerLifecycle['held']) => ServeFirst;
  /** Remembers the signed headers of mutations, which may be used once. */
  replayGuard: ReplayGuard;
  /**
   * Whether the caller may change an entity of this subgraph it can see (e.g. core: a restricted row takes its owner, an
   * admin or a write grant). Asked before a human decides an agent's proposal about it; absent: seeing is enough.
   */
  mayWrite?(ctx: TContext, id: string): Promise<boolean>;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Drains (in-flight requests finish within the deadline, default WRK_SHUTDOWN_TIMEOUT), then closes what it holds. */
  stop(deadlineMs?: number): Promise<void>;
}

/** Extensions that describe the inside: the gateway's report of a failed subgraph fetch (URL, status, body), stacks. */
const INTERNAL_EXTENSIONS = new Set(['response', 'exception', 'stacktrace']);

function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions;
  if (!extensions || !Object.keys(extensions).some((key) => INTERNAL_EXTENSIONS.has(key))) return formatted;
  return { ...formatted, extensions: Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.has(key))) };
}

/** A short name for what failed, without its details (addresses, SQL, paths): the key of throttled log lines. */
export function causeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const e = error as { name?: unknown; code?: unknown; cause?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  return typeof e.code === 'string' ? `${name} ${e.code}` : e.cause ? `${name} < ${causeOf(e.cause)}` : name;
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
  if (isUnavailableError(original)) {
    logThrottled('warn', `unavailable: ${causeOf(original)}`, { path: formatted.path }, 'a dependency is unavailable');
    return {
      message: unavailable().message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.UNAVAILABLE },
    };
  }
  logger.error({ err: original }, 'unexpected error');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * The subgraph's schema from its modules. Scopes are enforced over the resolvers of all modules together: a field's
 * `@scopes` (or its type's) may be declared in another module than the one resolving it.
 */
export function buildSchema(modules: readonly SchemaModule[]) {
  const typeDefs = modulesTypeDefs(modules);
  const resolvers = notingMutationField(checkingDeadline(mergeModuleResolvers(modules)));
  return buildSubgraphSchema([{ typeDefs, resolvers: enforceScopes(typeDefs, resolvers) }]);
}

type Resolver = (...args: unknown[]) => unknown;
const pastDeadline = (claims: Claims) => claims.deadline !== undefined && Date.now() > claims.deadline;

/** A resolver that first checks the deadline of the request whose context is its `contextAt`-th argument. */
function withDeadline(resolve: Resolver, contextAt: number): Resolver {
  return (...args) => {
    const context = args[contextAt] as RequestContext;
    if (pastDeadline(context.claims)) throw unavailable('The request ran past its deadline');
    return resolve(...args);
  };
}

/**
 * Past the caller's deadline (the gateway has stopped waiting), a subgraph starts no more work for the request:
 * every resolver the modules wrote (fields, and `__resolveReference`, whose context is its second argument) is
 * then an UNAVAILABLE error, so no further statement or owner check begins for an answer nobody reads. A field
 * without a resolver only reads its parent. Wrapped once here: a plugin's per-field hook costs every field of
 * every request.
 */
function checkingDeadline(resolvers: ModuleResolvers): ModuleResolvers {
  const wrapped: ModuleResolvers = {};
  for (const [type, fields] of Object.entries(resolvers)) {
    if (!isFieldMap(fields)) {
      wrapped[type] = fields;
      continue;
    }
    const checked: Record<string, unknown> = {};
    for (const [name, resolve] of Object.entries(fields)) {
      const checks = typeof resolve === 'function' && (name === '__resolveReference' || !name.startsWith('__'));
      checked[name] = checks ? withDeadline(resolve as Resolver, name === '__resolveReference' ? 1 : 2) : resolve;
    }
    // The same kind of map as the one read: its functions wrapped, the rest as it was.
    wrapped[type] = checked as ModuleResolvers[string];
  }
  return wrapped;
}

/**
 * Each root mutation field first notes its response key on the request's context (see RequestContext.mutationField):
 * mutations run one root field at a time, so the gate stores only the field that runs. Wrapped once here, like the
 * deadline check, where a plugin's `willResolveField` would make Apollo wrap every field of every type.
 */
function notingMutationField(resolvers: ModuleResolvers): ModuleResolvers {
  const mutation = resolvers.Mutation;
  if (!isFieldMap(mutation)) return resolvers;
  const noted: Record<string, unknown> = {};
  for (const [name, resolve] of Object.entries(mutation))
    noted[name] = typeof resolve === 'function' ? noting(resolve as FieldResolver) : resolve;
  return { ...resolvers, Mutation: noted as ModuleResolvers[string] };
}

type FieldResolver = (parent: unknown, args: unknown, context: RequestContext, info: GraphQLResolveInfo) => unknown;
const noting =
  (resolve: FieldResolver): FieldResolver =>
  (parent, args, context, info) => {
    context.mutationField = String(info.path.key);
    return resolve(parent, args, context, info);
  };

/**
 * The caller's claims from a request's signed header (see claims.ts); UNAUTHENTICATED (401) when it is missing, forged,
 * expired, meant for another service or for another operation.
 */
export function signedClaims(
  keyring: ServiceKeyring,
  headers: Record<string, string | string[] | undefined>,
  body: SignedBody,
): VerifiedRequest {
  const header = headers[CLAIMS_HEADER];
  try {
    const verified = verifySignedRequest(typeof header === 'string' ? header : undefined, keyring, body);
    // From here the request's log lines carry the ID the gateway gave it (the claims are signed; the header is not).
    setCurrentRequestId(verified.claims.requestId);
    return verified;
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw unauthenticated(`Subgraphs accept only requests signed for them by the gateway (${error.message})`);
  }
}

/**
 * A header bound to a mutation works once (across replicas: the guard is in Postgres); a request signed by another
 * subgraph on the caller's behalf may only read.
 */
function signedOperationPolicy<TContext extends RequestContext>(guard: ReplayGuard): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const request = contextValue.signature;
          if (!request || operation?.operation === OperationTypeNode.QUERY) return;
          if (request.delegated) throw forbiddenError('A request made on behalf of a caller by another service may only read');
          if (!(await guard.useOnce(request.jti, request.expiresAt))) throw unauthenticated('This signed header was already used');
        },
      };
    },
  };
}

function contextOf<TContext extends RequestContext>(
  def: SubgraphDefinition<TContext>,
  keyring: ServiceKeyring,
  request: VerifiedRequest,
  body?: unknown,
): TContext {
  const delegate = (audience: string, signed: SignedBody, options?: { withoutAllowlist?: boolean }) =>
    signDelegated(keyring, audience, signed, request.evidence, options);
  const operation = operationOf(body);
  return def.createContext({
    ...requestContextFromClaims(request.claims, delegate),
    signature: request,
    ...(operation ? { operation } : {}),
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The GraphQL operation of a request body (what an approval of a held write re-executes). */
export function operationOf(body: unknown): GraphQLOperation | null {
  if (!isRecord(body) || typeof body.query !== 'string') return null;
  return {
    query: body.query,
    operationName: typeof body.operationName === 'string' ? body.operationName : null,
    variables: isRecord(body.variables) ? body.variables : {},
  };
}

/** Requests in progress per subgraph process beyond which more are refused (WRK_MAX_CONCURRENT_REQUESTS). */
export const DEFAULT_MAX_CONCURRENT = 256;

/** Requests whose signed header `withinDeadline` verified, with what it found. */
const verifiedRequests = new WeakMap<express.Request, VerifiedRequest>();

/** The request's signed header verified, or undefined when it fails (the context then refuses it with the usual 401). */
function verifiedOrNone(keyring: ServiceKeyring, headers: IncomingMessage['headers'], body: unknown): VerifiedRequest | undefined {
  try {
    return signedClaims(keyring, headers, body);
  } catch {
    return undefined;
  }
}

/**
 * Verifies the signed header once, before GraphQL runs, and runs the rest of the request with its deadline in
 * `deadlines` (what owner checks and other outbound calls are cut to). A request that fails verification goes on
 * without it: the context refuses it with the usual 401.
 */
function withinDeadline(keyring: ServiceKeyring): express.RequestHandler {
  return (req, _res, next) => {
    const request = verifiedOrNone(keyring, req.headers, req.body);
    if (!request) return next();
    verifiedRequests.set(req, request);
    deadlines.run(request.claims.deadline, next);
  };
}

/** The largest request body a subgraph reads (the gateway's own limit is far lower). */
const MAX_SUBGRAPH_BODY_BYTES = 2 * 1024 * 1024;

/** An express app serving the subgraph at /graphql, accepting only requests signed for it (keyring.service). */
export async function createSubgraphApp<TContext extends RequestContext>(def: SubgraphDefinition<TContext>, keyring: ServiceKeyring) {
  if (keyring.service !== def.name) throw new Error(`the ${def.name} subgraph was given the keys of ${keyring.service}`);
  setCursorKey(derivedSecret(keyring, 'cursors'));
  // The gateway's limits, again: a request sent straight to a subgraph may ask for no more.
  const limits = operationLimits();
  const lifecycle = serverLifecycle(def.name, { acceptRequestId: true });
  const server = new ApolloServer<TContext>({
    schema: buildSchema(def.modules),
    formatError,
    // The process stops its servers itself, draining them first (lifecycle.ts, stopOnSignals).
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // Federated traces (ftv1) cost CPU on every request; we do not report to Apollo's cloud. Cache-control hints
    // would wrap every field's resolver for answers that are never cacheable (signed, per-caller POSTs).
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      operationMetrics<TContext>(def.name),
      signedOperationPolicy<TContext>(def.replayGuard),
      ...limits.plugins,
      hideSchemaSuggestions<TContext>(),
      ...(def.plugins ?? []),
    ],
  });
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  // Express would hash every answer for an ETag: GraphQL POSTs are never revalidated, and static assets are immutable.
  app.disable('etag');
  app.use(lifecycle.handleRequests);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', subgraph: def.name });
  });
  app.get('/ready', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining', subgraph: def.name });
      return;
    }
    const ready = def.isReady ? await readyWithin(() => def.isReady?.() ?? Promise.resolve(true)) : true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', subgraph: def.name });
  });
  metricsRoute(app);
  // One count of requests in progress for the app and for /graphql served without it.
  const bounded = concurrencyLimit(numberFromEnv(process.env, 'WRK_MAX_CONCURRENT_REQUESTS', DEFAULT_MAX_CONCURRENT));
  app.use(bounded);
  applyRoute(app, def, keyring, server);
  writableRoute(app, def, keyring);
  def.routes?.(
    app,
    (req) => signedClaims(keyring, req.headers, req.body),
    (request) => contextOf(def, keyring, request),
  );
  /** A GraphQL request's context: 401 unless signed for this subgraph, 503 once past its deadline. */
  const graphqlContext = async (body: unknown, headers: IncomingMessage['headers'], verified: VerifiedRequest | undefined) => {
    const request = verified ?? signedClaims(keyring, headers, body);
    if (pastDeadline(request.claims)) throw unavailableResponse(timeouts.retryAfterSeconds, 'The request arrived after its deadline');
    return contextOf(def, keyring, request, body);
  };
  app.use(
    '/graphql',
    express.json({ limit: MAX_SUBGRAPH_BODY_BYTES }),
    withinDeadline(keyring),
    expressMiddleware(server, { context: async ({ req }) => graphqlContext(req.body, req.headers, verifiedRequests.get(req)) }),
  );
  app.use(httpErrors);
  const graphqlFirst = graphqlWithoutExpress(server, (body, headers) => verifiedOrNone(keyring, headers, body), graphqlContext);
  const plainPosts = plainPostsFirst(lifecycle, bounded, graphqlFirst);
  const first = def.serveFirst?.(lifecycle.held);
  const serveFirst: ServeFirst = (request, response) => Boolean(first?.(request, response)) || plainPosts(request, response);
  return { app, server, lifecycle, serveFirst };
}

/**
 * Serves a plain GraphQL POST as @as-integrations/express5 does after express.json(): the signed header verified
 * once before GraphQL runs, the rest of the request run within its deadline (what owner checks and other outbound
 * calls are cut to); a request that fails verification goes on without it and the context refuses it with the
 * usual 401. Failures answer as Express's error handler would.
 */
function graphqlWithoutExpress<TContext extends RequestContext>(
  server: ApolloServer<TContext>,
  verify: (body: unknown, headers: IncomingMessage['headers']) => VerifiedRequest | undefined,
  context: (body: unknown, headers: IncomingMessage['headers'], verified: VerifiedRequest | undefined) => Promise<TContext>,
) {
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJsonBody(request, MAX_SUBGRAPH_BODY_BYTES);
    const verified = verify(body, request.headers);
    const execute = () => executePost(server, request, body, () => context(body, request.headers, verified));
    await sendAnswer(request, response, verified ? await deadlines.run(verified.claims.deadline, execute) : await execute());
  }
  return (request: IncomingMessage, response: ServerResponse) => {
    answer(request, response).catch((error: unknown) => answerError(error, response));
  };
}

export async function listen(
  app: express.Express,
  port: number,
  host = '127.0.0.1',
  serveFirst?: ServeFirst,
): Promise<{ httpServer: Server; port: number }> {
  const httpServer = createServer((request, response) => {
    if (!serveFirst?.(request, response)) app(request, response);
  });
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, resolve);
  });
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error(`${host}:${port} is not a TCP address`);
  return { httpServer, port: address.port };
}

export async function startSubgraph<TContext extends RequestContext>(
  def: SubgraphDefinition<TContext>,
  options: { keyring: ServiceKeyring; port?: number; host?: string; onStop?: () => Promise<void> },
): Promise<RunningServer> {
  const { app, server, lifecycle, serveFirst } = await createSubgraphApp(def, options.keyring);
  const host = options.host ?? '127.0.0.1';
  const { httpServer, port } = await listen(app, options.port ?? 0, host, serveFirst);
  logger.info({ subgraph: def.name, port }, 'subgraph listening');
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    stop: stopInOrder(httpServer, lifecycle, () => server.stop(), options.onStop),
  };
}

/** A server's graceful stop: drain (lifecycle.ts), then whatever it holds (Apollo, pools), once however often called. */
export function stopInOrder(
  httpServer: Server,
  lifecycle: ServerLifecycle,
  ...closers: (undefined | (() => Promise<void>))[]
): (deadlineMs?: number) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (deadlineMs) => {
    stopping ??= (async () => {
      await lifecycle.drain(httpServer, deadlineMs);
      for (const close of closers) await close?.();
    })();
    return stopping;
  };
}

/**
 * A POST route next to /graphql for signed requests that `accept` admits (e.g. the gateway's own, or one a subgraph
 * signed on a caller's behalf), with a JSON body the signature covers: 401 for anything else; a failure of `handle` is
 * logged and answered 500.
 */
export function signedRoute(
  app: express.Express,
  path: string,
  verify: (req: express.Request) => VerifiedRequest,
  accept: (request: VerifiedRequest) => boolean,
  handle: (request: VerifiedRequest, body: unknown) => Promise<{ status: number; body: unknown }>,
): void {
  app.post(path, express.json({ limit: MAX_SUBGRAPH_BODY_BYTES }), async (req, res) => {
    const signed = (() => {
      try {
        const request = verify(req);
        return accept(request) ? request : null;
      } catch {
        return null;
      }
    })();
    if (!signed) {
      res.status(401).json({ error: 'signature required' });
      return;
    }
    try {
      const answer = await handle(signed, req.body);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      if (isUnavailableError(error)) {
        logThrottled('warn', `unavailable: ${causeOf(error)}`, { path }, 'internal route: a dependency is unavailable');
        res.setHeader('retry-after', String(timeouts.retryAfterSeconds));
        res.status(503).json({ errors: [{ message: unavailable().message, extensions: { code: ErrorCode.UNAVAILABLE } }] });
        return;
      }
      if (error instanceof GraphQLError) {
        res.status(400).json({ errors: [error.toJSON()] });
        return;
      }
      logger.error({ err: error, path }, 'internal route failed');
      res.status(500).json({ error: 'internal error' });
    }
  });
}

/** A POST route only the gateway may call with its own signature (not a delegated one). */
export const gatewayOnlyRoute = (
  app: express.Express,
  path: string,
  verify: (req: express.Request) => VerifiedRequest,
  handle: (request: VerifiedRequest, body: unknown) => Promise<{ status: number; body: unknown }>,
) => signedRoute(app, path, verify, (request) => request.issuer === GATEWAY_SERVICE && !request.delegated, handle);

/** The service that decides approvals: the only one whose delegated request may apply an approved proposal. */
export const APPROVALS_SERVICE = 'agents';

/**
 * POST /internal/apply: the approvals service, signing with its own key on behalf of the approver (the approver's
 * gateway header as evidence), asks the owner to apply an approved proposal: the stored operation is executed through
 * the subgraph's normal resolvers with the approver's claims and the approval as a marker that lets the gate pass once
 * (the signed header is single-use). The answer is the GraphQL result.
 */
function applyRoute<TContext extends RequestContext>(
  app: express.Express,
  def: SubgraphDefinition<TContext>,
  keyring: ServiceKeyring,
  server: ApolloServer<TContext>,
) {
  signedRoute(
    app,
    '/internal/apply',
    (req) => signedClaims(keyring, req.headers, req.body),
    (request) => request.issuer === APPROVALS_SERVICE && request.delegated,
    async (request, body) => {
      const applied = appliedRequestOf(body);
      if (!applied) return { status: 400, body: { error: 'approval and operation are required' } };
      if (!(await def.replayGuard.useOnce(request.jti, request.expiresAt))) return { status: 401, body: { error: 'already used' } };
      const context = { ...contextOf(def, keyring, request, applied.operation), signature: undefined, approved: applied.approval };
      const response = await server.executeOperation(
        {
          query: applied.operation.query,
          variables: applied.operation.variables,
          operationName: applied.operation.operationName ?? undefined,
        },
        { contextValue: context },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : { errors: [{ message: 'incremental result' }] };
      return { status: 200, body: result };
    },
  );
}

/**
 * POST /internal/writable: the approvals service asks, on behalf of a human about to decide an agent's proposal,
 * whether that human may make the change themselves: they hold the scopes of the held mutation's fields (this
 * subgraph's `@scopes`) and may write its target (`mayWrite`). Deciding takes what writing takes. `{ writable }`.
 */
function writableRoute<TContext extends RequestContext>(app: express.Express, def: SubgraphDefinition<TContext>, keyring: ServiceKeyring) {
  const index = scopeIndex(modulesTypeDefs(def.modules));
  signedRoute(
    app,
    '/internal/writable',
    (req) => signedClaims(keyring, req.headers, req.body),
    (request) => request.issuer === APPROVALS_SERVICE && request.delegated,
    async (request, body) => {
      const targetId = isRecord(body) && typeof body.targetId === 'string' ? body.targetId : null;
      const operation = isRecord(body) && body.operation !== null ? operationOf(body.operation) : null;
      if (!isRecord(body) || (body.operation !== null && !operation)) return { status: 400, body: { error: 'operation or null' } };
      const ctx = contextOf(def, keyring, request);
      const fields = operation ? mutationFieldsOf(operation) : [];
      const scoped =
        fields !== null && fields.every((field) => missingScopes(ctx.claims, requirementsOf(index, 'Mutation', field)).length === 0);
      const writable = scoped && (targetId === null || !def.mayWrite || (await def.mayWrite(ctx, targetId)));
      return { status: 200, body: { writable } };
    },
  );
}

function appliedRequestOf(body: unknown): { approval: ApprovedProposal; operation: GraphQLOperation } | null {
  if (!isRecord(body) || !isRecord(body.approval)) return null;
  const operation = operationOf(body.operation);
  const { approvalId, requestedBy, runId, sourceRefs, targetId, targetVersion, targetBefore } = body.approval;
  if (typeof approvalId !== 'string' || typeof requestedBy !== 'string' || !operation) return null;
  return {
    operation,
    approval: {
      approvalId,
      requestedBy,
      runId: typeof runId === 'string' ? runId : null,
      sourceRefs: Array.isArray(sourceRefs) ? sourceRefs : null,
      targetId: typeof targetId === 'string' ? targetId : null,
      targetVersion: typeof targetVersion === 'string' ? targetVersion : null,
      targetBefore: targetBefore ?? null,
    },
  };
}
