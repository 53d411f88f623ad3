import { writeAndRecord as recordedWrite, type ChangeAction } from '@wrk/platform';
import type { Context } from './context.ts';
import type { Tx } from './db.ts';

export { newRowColumns } from '@wrk/catalog/rows';

/** A write in this subgraph's database, recorded in audit_logs and the outbox in the same transaction. */
export const writeAndRecord = <Row extends { externalId: string }>(
  ctx: Context,
  entityType: string,
  action: ChangeAction,
  write: (tx: Tx) => Promise<{ before?: object | null; after: Row }>,
) => recordedWrite(ctx.db, ctx, entityType, action, write);
