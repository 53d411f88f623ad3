import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAIMS_HEADER, signClaims, type Claims } from '@wrk/platform';
import type { SubgraphName } from '@wrk/catalog';
import { startStack, type Stack, type StackOptions } from '@wrk/app';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { issueToken } from '@wrk/subgraph-identity/tokens';
import { freshDatabase, type TestDatabase } from './databases.ts';
import { countingDispatcher } from './instrumentation.ts';

// Agent tokens are trusted-only by default (they may run only the operations manifest); the suites written before
// that send free-form documents with agent tokens, so tests default to none. mcp.test.ts sets `agents`.
process.env.WRK_TRUSTED_ONLY ??= 'none';

export interface TokenOptions {
  agent?: string;
  scopes?: string[];
  allow?: string[];
  ttlSeconds?: number;
}

export interface TestStack extends Stack {
  database: TestDatabase;
  /** Issues a real token (as `pnpm wrk token create` does) for a seeded user's email. */
  token(email: string, options?: TokenOptions): Promise<string>;
  /** Authorization header for a token. */
  as(token: string): Record<string, string>;
  /** POSTs an operation straight to a subgraph, with claims signed as the gateway signs them (for that subgraph and operation). */
  direct<Data = Record<string, unknown>>(
    subgraph: SubgraphName,
    query: string,
    variables: Record<string, unknown>,
    claims: Claims,
  ): Promise<GraphQLResponse<Data>>;
  /** A function that POSTs operations to the gateway with this token. */
  callerFor(token: string): Caller;
  /** The same, sending request extensions with every operation (an agent's `wrk: { runId, sourceRefs }`). */
  callerWith(token: string, extensions: () => Record<string, unknown> | undefined): Caller;
  /** POSTs an operation to the gateway and returns the parsed GraphQL response. */
  graphql<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<Data>>;
}

/** Sends operations to the gateway as one caller. */
export type Caller = <Data = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;

export interface GraphQLResponse<Data> {
  status: number;
  /** The gateway's `x-request-id`: the request ID stored in the audit rows and events the request wrote. */
  requestId?: string | null;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function postGraphQL<Data>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  extensions?: Record<string, unknown>,
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables, ...(extensions ? { extensions } : {}) }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { status: response.status, requestId: response.headers.get('x-request-id'), ...body };
}

/** The whole stack over real HTTP on a fresh database of the given kind, seeded with the demo organisation. */
export async function startTestStack(
  kind: TestDatabase['kind'],
  options: Pick<StackOptions, 'rateLimits' | 'worker' | 'boxSync' | 'box'> = {},
): Promise<TestStack> {
  const database = await freshDatabase(kind);
  // Each stack generates its own keys, as a fresh checkout does on its first start.
  const stack = await startStack({
    ...options,
    wrapDispatcher: countingDispatcher,
    databaseUrl: database.url,
    keysDir: await mkdtemp(join(tmpdir(), 'wrk-e2e-keys-')),
  });
  const identityDb = createIdentityDb(database.url);
  return {
    ...stack,
    database,
    async token(email, options = {}) {
      const user = await identityDb.user.findUniqueOrThrow({ where: { email } });
      const issued = await identityDb.$transaction((tx) =>
        issueToken(
          tx,
          { user, agentName: options.agent, scopes: options.scopes, allow: options.allow, ttlSeconds: options.ttlSeconds },
          { actor: 'test', sourceSystem: 'test' },
        ),
      );
      return issued.token;
    },
    as: (token) => ({ authorization: `Bearer ${token}` }),
    callerFor: (token) => (query, variables) => postGraphQL(stack.gatewayUrl, query, variables, { authorization: `Bearer ${token}` }),
    callerWith: (token, extensions) => (query, variables) =>
      postGraphQL(stack.gatewayUrl, query, variables, { authorization: `Bearer ${token}` }, extensions()),
    graphql: (query, variables, headers) => postGraphQL(stack.gatewayUrl, query, variables, headers),
    direct: (subgraph, query, variables, claims) =>
      postGraphQL(stack.subgraphUrls[subgraph], query, variables, {
        [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, subgraph, { query, variables }, claims),
      }),
    async stop() {
      await identityDb.$disconnect();
      await stack.stop();
      await database.release();
    },
  };
}
