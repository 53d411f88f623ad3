import { expectIdOf } from '@wrk/catalog/ids';
import { attribution, found, newExternalId, writeAndRecord } from '@wrk/platform';
import type { Context } from '../context.ts';
import { assertCanChangeAccess, assertCanWrite } from '../permissions.ts';
import type { CoreRow, EntitySpec } from './entity.ts';

/**
 * The one write path of core's entities: reads through the caller's visibility, checks write and access rights,
 * and writes with attribution inside writeAndRecord (audit log and outbox in the same transaction).
 */
export function entityService<Model extends string, Row extends CoreRow, OrderField extends string, Create, Update extends object>(
  spec: EntitySpec<Model, Row, OrderField, Create, Update>,
  loader: (ctx: Context) => { load(id: string): Promise<Row | null> },
) {
  /** The row an ID names, as the caller sees it: NOT_FOUND when missing or hidden, INVALID_ID for another type's ID. */
  const load = async (ctx: Context, id: string): Promise<Row> => found(await loader(ctx).load(expectIdOf(spec.typename, id)), id);

  const change = (ctx: Context, action: 'update' | 'archive', existing: Row, data: Update | { archivedAt: Date }) => {
    assertCanWrite(ctx, existing);
    return writeAndRecord(ctx, spec.typename, action, async (tx) => ({
      before: existing,
      after: await spec.update(tx, existing.id, data, attribution(ctx)),
    }));
  };

  return {
    load,
    create: (ctx: Context, data: Create): Promise<Row> =>
      writeAndRecord(ctx, spec.typename, 'create', async (tx) => ({
        after: await spec.insert(tx, { externalId: newExternalId(spec.prefix), ...attribution(ctx) }, data),
      })),
    /** Changes a row the caller can see and may change; omitted fields keep their value. */
    update: (ctx: Context, existing: Row, data: Update): Promise<Row> => {
      assertCanChangeAccess(ctx, existing, data);
      return change(ctx, 'update', existing, data);
    },
    /** Archives (soft-deletes) a row: it leaves lists and lookups. */
    archive: async (ctx: Context, id: string): Promise<Row> => change(ctx, 'archive', await load(ctx, id), { archivedAt: new Date() }),
  };
}
