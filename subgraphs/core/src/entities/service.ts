import { expectIdOf, referencedRow } from '@wrk/catalog/ids';
import {
  attribution,
  badUserInput,
  ErrorCode,
  found,
  graphQLError,
  newExternalId,
  notFound,
  optionalText,
  writeAndRecord,
} from '@wrk/platform';
import type { Context } from '../context.ts';
import { assertCanChangeAccess, assertCanWrite } from '../permissions.ts';
import type { CoreRow, EntitySpec } from './entity.ts';
import { PIVOTS, pivotOfRelation, type PivotName, type PivotSide } from '../relations/pivots.ts';

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

interface RelationInput {
  relation: string;
  fromId: string;
  toId: string;
  role?: string | null;
}

function roleOf(name: PivotName, role: string | null | undefined): string | null {
  const allowed = PIVOTS[name].roles;
  if (allowed === null) return optionalText('role', role, 100);
  if (!role || !allowed.includes(role)) throw badUserInput('role', `must be one of ${allowed.join(', ')}`);
  return role;
}

const NO_ROWS = { load: async () => null };

/** The key column value of one side, checked: the entity exists and the caller may see it. */
async function sideKey(side: PivotSide, field: string, id: string, ctx: Context) {
  if (!side.loader) {
    expectIdOf(side.typename, id);
    if (!(await ctx.loaders.existsAtOwner.load(id))) throw notFound(id, { field });
    return { key: id };
  }
  const row = await referencedRow(ctx.loaders.rowsOf(side.typename) ?? NO_ROWS, field, side.typename, id);
  return { key: row.id };
}

async function resolveRelation(input: RelationInput, ctx: Context) {
  const name = pivotOfRelation(input.relation);
  const pivot = PIVOTS[name];
  // The left side is always one of core's entities (an organization, meeting, project or trip).
  const [fromRow, to] = await Promise.all([
    referencedRow(ctx.loaders.rowsOf(pivot.left.typename) ?? NO_ROWS, 'fromId', pivot.left.typename, input.fromId),
    sideKey(pivot.right, 'toId', input.toId, ctx),
  ]);
  // Relating changes the left entity (a meeting's attendees, a project's team): it needs write access to it.
  assertCanWrite(ctx, fromRow);
  return { name, pivot, keys: { [pivot.left.column]: fromRow.id, [pivot.right.column]: to.key }, fromRow };
}

/**
 * The write path of the pivots of seed §3 (`addRelation`/`removeRelation`): both ends checked (exist, visible, the
 * left one writable by the caller), recorded on the left entity as `link`/`unlink` inside writeAndRecord.
 */
export const relationService = {
  add: async (ctx: Context, input: RelationInput) => {
    const { name, pivot, keys, fromRow } = await resolveRelation(input, ctx);
    const role = pivot.roles === undefined ? undefined : roleOf(name, input.role);
    await writeAndRecord(ctx, pivot.left.typename, 'link', async (tx) => {
      const row = await pivot.delegate(tx).create({
        data: { ...keys, ...(role === undefined ? {} : { role }), actor: ctx.actor, sourceSystem: ctx.sourceSystem },
      });
      return { after: { externalId: input.fromId, relation: input.relation, toId: input.toId, role: row.role ?? null } };
    });
    return { __typename: pivot.left.typename, ...fromRow };
  },
  remove: async (ctx: Context, input: RelationInput) => {
    const { name, pivot, keys, fromRow } = await resolveRelation(input, ctx);
    const where = { ...keys, ...(input.role && pivot.roles !== undefined ? { role: roleOf(name, input.role) } : {}) };
    await writeAndRecord(ctx, pivot.left.typename, 'unlink', async (tx) => {
      const { count } = await pivot.delegate(tx).deleteMany({ where });
      if (count === 0) throw graphQLError(ErrorCode.NOT_FOUND, `${input.fromId} and ${input.toId} are not related by ${input.relation}`);
      return {
        before: { externalId: input.fromId, relation: input.relation, toId: input.toId },
        after: { externalId: input.fromId, removed: count },
      };
    });
    return { __typename: pivot.left.typename, ...fromRow };
  },
};
