import { entityTypeOfId } from '@wrk/catalog';
import { ErrorCode, graphQLError, seesEverything, type Claims } from '@wrk/platform';
import type { Context } from './context.ts';

interface WritableRow {
  externalId: string;
  visibility?: string;
  ownerUserId?: string | null;
}

/**
 * Changing a restricted entity takes more than seeing it: its owner, an admin, or a `write`/`admin` grant.
 * (Seeing it was already checked: the row came through the caller's visibility-filtered loaders.)
 */
export function assertCanWrite(ctx: Context, row: WritableRow): void {
  if (!canWrite(ctx.claims, row)) {
    throw graphQLError(ErrorCode.FORBIDDEN, `You may read ${row.externalId} but not change it`, { id: row.externalId });
  }
}

/** Whether the caller may change a row they can see (see assertCanWrite). */
export function canWrite(claims: Claims, row: WritableRow): boolean {
  if (row.visibility !== 'restricted' || seesEverything(claims)) return true;
  if (row.ownerUserId && row.ownerUserId === claims.sub) return true;
  return claims.writeGrants?.includes(row.externalId) ?? false;
}

/** Whether the caller sees a core entity and may change it (asked before they decide an agent's proposal about it). */
export async function mayWrite(ctx: Context, id: string): Promise<boolean> {
  const type = entityTypeOfId(id);
  const row = type ? await ctx.loaders.rowsOf(type.typename)?.load(id) : null;
  return row ? canWrite(ctx.claims, row) : false;
}

/** The columns that decide who may see a row: only its owner or an admin may change them. */
const ACCESS_COLUMNS = ['visibility', 'ownerUserId'] as const;

/**
 * Changing who may see an entity (its visibility or owner) takes its owner or an admin: a writer or grantee
 * could otherwise lock the owner and everyone else out, or open a restricted row to all.
 */
export function assertCanChangeAccess(ctx: Context, row: WritableRow, data: object): void {
  const changed = ACCESS_COLUMNS.filter((column) => column in data && Reflect.get(data, column) !== row[column]);
  if (!changed.length || seesEverything(ctx.claims)) return;
  if (row.ownerUserId && row.ownerUserId === ctx.claims.sub) return;
  throw graphQLError(ErrorCode.FORBIDDEN, `Only the owner of ${row.externalId} or an admin may change its ${changed.join(' and ')}`, {
    id: row.externalId,
    field: changed[0],
  });
}
