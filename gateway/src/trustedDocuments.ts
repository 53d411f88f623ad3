import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { ErrorCode, graphQLError, type Claims } from '@wrk/platform';
import type { GatewayContext } from './context.ts';
import { sha256, type CuratedOperation } from './mcp/operations.ts';

/**
 * Whose tokens may send only documents of the manifest, per deployment: agents (the default), staff, both, or
 * nobody; and, when staff are trusted-only, the staff who keep free-form documents — the explorer's analysts,
 * named by role or team (`role:admin`, `team:team_…`). Agents are never exempt.
 */
export interface TrustedOnly {
  agents: boolean;
  staff: boolean;
  explorerRoles: ReadonlySet<string>;
  explorerTeams: ReadonlySet<string>;
}

const KINDS: Record<string, readonly ('agents' | 'staff')[]> = { none: [], all: ['agents', 'staff'], agents: ['agents'], staff: ['staff'] };

const listOf = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `WRK_TRUSTED_ONLY`: `none`, `all`, or a list of `agents` and `staff`; `WRK_EXPLORER_USERS`: `role:<role>` and `team:<team ID>` entries. */
export function trustedOnlyFromEnv(env: NodeJS.ProcessEnv): TrustedOnly {
  const kinds = listOf(env.WRK_TRUSTED_ONLY ?? 'agents').flatMap((item) => {
    const known = KINDS[item];
    if (!known) throw new Error(`WRK_TRUSTED_ONLY must be none, all, or a list of agents and staff, not ${item}`);
    return known;
  });
  const explorer = listOf(env.WRK_EXPLORER_USERS ?? '').map((entry) => {
    const [, kind, name] = /^(role|team):(.+)$/.exec(entry) ?? [];
    if (!kind || !name) throw new Error(`WRK_EXPLORER_USERS takes role:<role> and team:<team ID> entries, not ${entry}`);
    return { kind, name };
  });
  const names = (kind: string) => new Set(explorer.filter((e) => e.kind === kind).map((e) => e.name));
  return { agents: kinds.includes('agents'), staff: kinds.includes('staff'), explorerRoles: names('role'), explorerTeams: names('team') };
}

/** Whether a caller may send only documents of the manifest. */
export function isTrustedOnly(policy: TrustedOnly, claims: Claims): boolean {
  if (claims.kind === 'agent') return policy.agents;
  if (claims.kind !== 'staff' || !policy.staff) return false;
  const explorer =
    (claims.role !== undefined && policy.explorerRoles.has(claims.role)) || claims.teams.some((team) => policy.explorerTeams.has(team));
  return !explorer;
}

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

const persistedQuery = (documentId: string) => ({ version: 1, sha256Hash: documentId.replace(/^sha256:/, '') });

const jsonObjectOr = (text: string | null): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
  } catch {
    return {};
  }
};

/** A body's `documentId` (the GraphQL-over-HTTP persisted-documents form), read as `extensions.persistedQuery`. */
export function withDocumentIdAsPersistedQuery(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('documentId' in body) || typeof body.documentId !== 'string') return body;
  const extensions = 'extensions' in body && typeof body.extensions === 'object' ? body.extensions : {};
  return { ...body, extensions: { ...extensions, persistedQuery: persistedQuery(body.documentId) } };
}

/** The same for Express routes: on a POST's parsed body, and on a GET's query string (`?documentId=…&variables=…`). */
export const documentIdAsPersistedQuery: RequestHandler = (request, _response, next) => {
  request.body = withDocumentIdAsPersistedQuery(request.body);
  const url = new URL(request.url, 'http://gateway');
  const documentId = url.searchParams.get('documentId');
  if (request.method === 'GET' && documentId !== null) {
    const extensions = { ...jsonObjectOr(url.searchParams.get('extensions')), persistedQuery: persistedQuery(documentId) };
    url.searchParams.delete('documentId');
    url.searchParams.set('extensions', JSON.stringify(extensions));
    request.url = `${url.pathname}${url.search}`;
  }
  next();
};

/** Refuses, before planning, a document that is not in the manifest from a trusted-only caller. */
export function trustedDocuments(operations: CuratedOperation[], policy: TrustedOnly): ApolloServerPlugin<GatewayContext> {
  const trusted = new Set(operations.map((o) => o.id));
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, contextValue }) {
          if (!isTrustedOnly(policy, contextValue.claims) || trusted.has(sha256(source))) return;
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
