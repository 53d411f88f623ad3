import { entityTypeOfId } from '@wrk/catalog';
import { typeOfIdOrThrow } from '@wrk/catalog/ids';
import { diffOf, notFound, pageSize } from '@wrk/platform';
import { redactSources } from '@wrk/catalog/sources';
import type { AuditLogEntry, QueryResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { entityExists, entityVisibleEvenArchived } from '../nodes.ts';

/**
 * `auditLog(entity:)`: the rows of `platform.audit_logs` about one entity, newest first.
 *
 * Core reads the platform slice with a parameterised raw query on its own client rather than a second
 * (platform) Prisma client: one read of one table does not justify another connection pool per process, and
 * the whole database is one Postgres database whose `platform` schema every subgraph already writes in its
 * transactions (recordChange). The shape read is fixed here and mapped to the GraphQL type below.
 */
interface AuditLogRow {
  external_id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor: string;
  source_system: string;
  request_id: string | null;
  created_at: Date;
  before: unknown;
  after: unknown;
  diff: unknown;
}

/** Entity IDs an entry names besides its own entity: the other end of a relation or a link. */
function otherEntities(row: AuditLogRow): string[] {
  const ids = new Set<string>();
  for (const snapshot of [row.before, row.after]) {
    if (!snapshot || typeof snapshot !== 'object') continue;
    for (const key of ['fromId', 'toId']) {
      const value = (snapshot as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== row.entity_id && entityTypeOfId(value)) ids.add(value);
    }
  }
  return [...ids];
}

/**
 * A snapshot as the live object would show it to the caller: cited sources through the one source rule
 * (catalog/sources), and a reference to an entity they may not see cleared, as the live reference resolves to null.
 */
async function redactSnapshot(snapshot: unknown, self: string, ctx: Context): Promise<unknown> {
  if (!snapshot || typeof snapshot !== 'object' || Array.isArray(snapshot)) return snapshot ?? null;
  const visible = (id: string) => entityExists(id, ctx);
  const fields = await Promise.all(
    Object.entries(snapshot).map(async ([key, value]): Promise<[string, unknown]> => {
      if (key === 'sourceRefs') return [key, await redactSources(value, visible)];
      if (typeof value === 'string' && value !== self && entityTypeOfId(value) && !(await visible(value))) return [key, null];
      return [key, value];
    }),
  );
  return Object.fromEntries(fields);
}

/** An entry as the caller may see it: both snapshots redacted, and the diff taken between the redacted ones. */
async function toEntry(row: AuditLogRow, ctx: Context): Promise<AuditLogEntry> {
  const [before, after] = await Promise.all([
    redactSnapshot(row.before, row.entity_id, ctx),
    redactSnapshot(row.after, row.entity_id, ctx),
  ]);
  return {
    id: row.external_id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    action: row.action,
    actor: row.actor,
    sourceSystem: row.source_system,
    requestId: row.request_id,
    createdAt: row.created_at,
    before,
    after,
    diff: row.diff === null ? null : diffOf(before, after),
  };
}

export async function auditLogOf(entity: string, first: number | null | undefined, ctx: Context): Promise<AuditLogEntry[]> {
  typeOfIdOrThrow(entity);
  const take = pageSize(first);
  // The trail of an entity the caller may not see would reveal it: same answer as for one that does not exist.
  if (!(await entityVisibleEvenArchived(entity, ctx))) throw notFound(entity);
  if (take === 0) return [];
  const rows = await ctx.db.$queryRaw<AuditLogRow[]>`
    SELECT external_id, entity_type, entity_id, action, actor, source_system, request_id, created_at, before, after, diff
      FROM "platform"."audit_logs"
     WHERE entity_id = ${entity}
     ORDER BY created_at DESC, id DESC
     LIMIT ${take}`;
  // An entry about a relation or link names its other end: leave it out when the caller may not see that end.
  const others = [...new Set(rows.flatMap(otherEntities))];
  const visible = new Map(await Promise.all(others.map(async (id) => [id, await entityExists(id, ctx)] as const)));
  return Promise.all(rows.filter((row) => otherEntities(row).every((id) => visible.get(id))).map((row) => toEntry(row, ctx)));
}

export const AuditLogQueries: QueryResolvers = {
  auditLog: (_, { entity, first }, ctx) => auditLogOf(entity, first, ctx),
};
