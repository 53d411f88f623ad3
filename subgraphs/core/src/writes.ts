import { newExternalId, prefixOf } from './ids.ts';
import { attribution, recordChange, translateDatabaseError, type ChangeAction } from '@wrk/platform';
import type { Context } from './context.ts';
import type { CoreTx } from './db.ts';

/**
 * Runs a write and records it: the row, its audit_logs row and its integration_events row commit together
 * or not at all. Database refusals become client errors with stable codes.
 */
export async function writeAndRecord<Row extends { externalId: string }>(
  ctx: Context,
  entityType: string,
  action: ChangeAction,
  write: (tx: CoreTx) => Promise<{ before?: object | null; after: Row }>,
): Promise<Row> {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const { before, after } = await write(tx);
      await recordChange(tx, ctx, { entityType, entityId: after.externalId, action, before, after });
      return after;
    });
  } catch (error) {
    translateDatabaseError(error);
  }
}

/** Columns of a new row: its external ID and attribution from the verified request context. */
export function newRowColumns(ctx: Context, typename: string) {
  return { externalId: newExternalId(prefixOf(typename)), ...attribution(ctx) };
}
