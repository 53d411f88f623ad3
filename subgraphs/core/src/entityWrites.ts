import { attribution, writeAndRecord } from '@wrk/platform';
import type { Context } from './context.ts';
import type { Tx } from './db.ts';
import { assertCanWrite } from './permissions.ts';

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
 * Updates a row the caller can see and may change, recording before/after in the audit log and an event in
 * the outbox, in one transaction. The row's actor/source_system become the latest writer's.
 */
export function updateRow<R extends Row>(
  ctx: Context,
  entityType: string,
  existing: R,
  delegate: (tx: Tx) => UpdatableDelegate<R>,
  data: object,
): Promise<R> {
  assertCanWrite(ctx, existing);
  return writeAndRecord(ctx, entityType, 'update', async (tx) => ({
    before: existing,
    after: await delegate(tx).update({ where: { id: existing.id }, data: { ...data, ...attribution(ctx) } }),
  }));
}

export function archiveRow<R extends Row>(
  ctx: Context,
  entityType: string,
  existing: R,
  delegate: (tx: Tx) => UpdatableDelegate<R>,
): Promise<R> {
  assertCanWrite(ctx, existing);
  return writeAndRecord(ctx, entityType, 'archive', async (tx) => ({
    before: existing,
    after: await delegate(tx).update({ where: { id: existing.id }, data: { archivedAt: new Date(), ...attribution(ctx) } }),
  }));
}

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
