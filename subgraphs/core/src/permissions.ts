import { ErrorCode, graphQLError, seesEverything } from '@wrk/platform';
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
  if (row.visibility !== 'restricted' || seesEverything(ctx.claims)) return;
  if (row.ownerUserId && row.ownerUserId === ctx.claims.sub) return;
  if (ctx.claims.writeGrants?.includes(row.externalId)) return;
  throw graphQLError(ErrorCode.FORBIDDEN, `You may read ${row.externalId} but not change it`, { id: row.externalId });
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
