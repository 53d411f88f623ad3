import { ErrorCode, graphQLError } from '@wrk/platform';
import type { Context } from './context.ts';
import { seesEverything } from './visibility.ts';

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
