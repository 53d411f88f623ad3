/**
 * The pivot edge types (OrganizationPerson, MeetingUser, …), the relationship fields that list them on both
 * sides, and addRelation/removeRelation. One table (../pivots.ts) drives them all, so every pivot behaves alike.
 */
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { userRef } from '../nodes.ts';
import { PIVOT_NAMES, PIVOTS, type PivotName, type PivotRow, type PivotSide } from './pivots.ts';
import { relationService } from '../entities/service.ts';

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

export const RelationMutations: MutationResolvers = {
  addRelation: (_, { input }, ctx) => relationService.add(ctx, input),
  removeRelation: (_, { input }, ctx) => relationService.remove(ctx, input),
};
