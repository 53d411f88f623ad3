import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { ErrorCode, graphQLError, type Claims } from '@wrk/platform';
import type { GatewayContext } from './context.ts';
import { sha256, type CuratedOperation } from './mcp/operations.ts';

/** Who may send only documents of the manifest: agent tokens (the default), every token, or nobody. */
export type TrustedOnly = 'agents' | 'all' | 'none';

export function trustedOnlyFromEnv(env: NodeJS.ProcessEnv): TrustedOnly {
  const value = env.WRK_TRUSTED_ONLY ?? 'agents';
  if (value === 'agents' || value === 'all' || value === 'none') return value;
  throw new Error(`WRK_TRUSTED_ONLY must be agents, all or none, not ${value}`);
}

const isTrustedOnly = (mode: TrustedOnly, claims: Claims) => mode === 'all' || (mode === 'agents' && claims.kind === 'agent');

/**
 * The manifest as Apollo Server's persisted-query cache, read-only: a `persistedQuery.sha256Hash` without a query
 * finds its manifest operation, an unknown hash is Apollo's PERSISTED_QUERY_NOT_FOUND, and a client cannot
 * register documents of its own (Apollo verifies that a sent query matches its hash before offering it).
 */
interface ReadOnlyCache {
  get(key: string): Promise<string | undefined>;
  set(): Promise<void>;
  delete(): Promise<void>;
}

export function manifestCache(operations: CuratedOperation[]): ReadOnlyCache {
  const bodies = new Map(operations.map((o) => [`apq:${o.id}`, o.body]));
  return {
    get: async (key) => bodies.get(key),
    set: async () => undefined,
    delete: async () => undefined,
  };
}

/** `{ documentId }` (the GraphQL-over-HTTP persisted-documents form) is read as `extensions.persistedQuery`. */
export const documentIdAsPersistedQuery: RequestHandler = (request, _response, next) => {
  const body: unknown = request.body;
  if (typeof body === 'object' && body !== null && 'documentId' in body && typeof body.documentId === 'string') {
    const extensions = 'extensions' in body && typeof body.extensions === 'object' ? body.extensions : {};
    const id = body.documentId.replace(/^sha256:/, '');
    request.body = { ...body, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: id } } };
  }
  next();
};

/** Refuses, before planning, a document that is not in the manifest from a trusted-only caller. */
export function trustedDocuments(operations: CuratedOperation[], mode: TrustedOnly): ApolloServerPlugin<GatewayContext> {
  const trusted = new Set(operations.map((o) => o.id));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, contextValue }) {
          if (!isTrustedOnly(mode, contextValue.claims) || trusted.has(sha256(source))) return;
          throw graphQLError(
            ErrorCode.PERSISTED_QUERY_REQUIRED,
            'This token may run only the operations of the manifest: send extensions.persistedQuery.sha256Hash or documentId',
            { http: { status: 403 } },
          );
        },
      };
    },
  };
}
