import { attribution, writeAndRecord } from '@wrk/platform';
import type { Context } from './context.ts';
import type { Tx } from './db.ts';
import { assertCanChangeAccess, assertCanWrite } from './permissions.ts';

interface Row {
  id: number;
  externalId: string;
  visibility?: string;
  ownerUserId?: string | null;
}

interface UpdatableDelegate<R> {
  update(args: { where: { id: number }; data: object }): Promise<R>;
}

/**
 * Changes a row the caller can see and may change, recording before/after in the audit log and an event in
 * the outbox, in one transaction. The row's actor/source_system become the latest writer's.
 */
function changeRow<R extends Row>(
  ctx: Context,
  entityType: string,
  action: 'update' | 'archive',
  existing: R,
  delegate: (tx: Tx) => UpdatableDelegate<R>,
  data: Record<string, unknown>,
): Promise<R> {
  assertCanWrite(ctx, existing);
  assertCanChangeAccess(ctx, existing, data);
  return writeAndRecord(ctx, entityType, action, async (tx) => ({
    before: existing,
    after: await delegate(tx).update({ where: { id: existing.id }, data: { ...data, ...attribution(ctx) } }),
  }));
}

export const updateRow = <R extends Row>(
  ctx: Context,
  entityType: string,
  existing: R,
  delegate: (tx: Tx) => UpdatableDelegate<R>,
  data: Record<string, unknown>,
) => changeRow(ctx, entityType, 'update', existing, delegate, data);

/** Archives (soft-deletes) a row: it leaves lists and lookups. */
export const archiveRow = <R extends Row>(ctx: Context, entityType: string, existing: R, delegate: (tx: Tx) => UpdatableDelegate<R>) =>
  changeRow(ctx, entityType, 'archive', existing, delegate, { archivedAt: new Date() });

/** Only the keys the client sent: `undefined` (omitted) keeps the stored value, `null` clears it. */
export function changes<Input extends object>(
  input: Input,
  fields: { [Key in keyof Input]?: (value: NonNullable<Input[Key]> | null) => unknown },
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, convert] of Object.entries(fields) as [keyof Input, (value: unknown) => unknown][]) {
    const value = input[key];
    if (value !== undefined) data[key as string] = convert(value);
  }
  return data;
}
