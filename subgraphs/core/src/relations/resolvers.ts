/**
 * The pivot edge types (OrganizationPerson, MeetingUser, …), the relationship fields that list them on both
 * sides, and addRelation/removeRelation. One table (../pivots.ts) drives them all, so every pivot behaves alike.
 */
import { badUserInput, ErrorCode, graphQLError, notFound, optionalText, writeAndRecord } from '@wrk/platform';
import { expectIdOf, referencedRow } from '@wrk/catalog/ids';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { userRef } from '../nodes.ts';
import { PIVOT_NAMES, PIVOTS, pivotOfRelation, type PivotName, type PivotRow, type PivotSide } from './pivots.ts';
import { assertCanWrite } from '../permissions.ts';

/** This side's entity of a pivot row, or null when the caller may not see it. */
export async function sideEntity(side: PivotSide, key: unknown, ctx: Context) {
  if (side.loader) return typeof key === 'number' ? ctx.loaders[side.loader].load(key) : null;
  return typeof key === 'string' && (await ctx.loaders.existsAtOwner.load(key)) ? userRef(key) : null;
}

/** The pivot rows of an entity (on side `from` of the pivot) whose other side the caller may see. */
export async function visibleEdges(name: PivotName, from: 'left' | 'right', key: number | string, ctx: Context): Promise<PivotRow[]> {
  const pivot = PIVOTS[name];
  const [self, other] = from === 'left' ? [pivot.left, pivot.right] : [pivot.right, pivot.left];
  const rows = await ctx.loaders.pivots(name, self).load(key);
  const visible = await Promise.all(rows.map((row) => sideEntity(other, row[other.column], ctx)));
  return rows.filter((_, index) => visible[index]);
}

/** Resolver of a relationship field: the pivot rows of `parent` whose other side the caller may see. */
export function edgesOf(name: PivotName, from: 'left' | 'right') {
  // Typed `never[]` so one generic resolver fits every pivot's generated row type.
  return async (parent: { id: number | string }, _args: unknown, ctx: Context): Promise<never[]> =>
    (await visibleEdges(name, from, parent.id, ctx)) as never[];
}

function edgeType(name: PivotName) {
  const { left, right } = PIVOTS[name];
  return {
    [left.field]: (row: PivotRow, _: unknown, ctx: Context) => sideEntity(left, row[left.column], ctx),
    [right.field]: (row: PivotRow, _: unknown, ctx: Context) => sideEntity(right, row[right.column], ctx),
  };
}

export const edgeTypes = Object.fromEntries(PIVOT_NAMES.map((name) => [name, edgeType(name)]));

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

export const RelationMutations: MutationResolvers = {
  addRelation: async (_, { input }, ctx) => {
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
  removeRelation: async (_, { input }, ctx) => {
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
