/**
 * `related` on every core entity: what a user expects under "everything related to X" — the pivots of seed §3,
 * references in both directions, and typed entity links — each with how it is related. It reuses the
 * relationship resolvers (and their per-request loaders), so it adds no query of its own per row.
 */
import type { ModuleResolvers } from '@wrk/platform';
import { GraphQLScalarType, type GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.ts';
import { REFERENCES } from '../entities/index.ts';
import { linksOf, resolveStoredRef } from '../nodes.ts';
import { PIVOT_NAMES, PIVOTS } from './pivots.ts';
import { sideEntity, visibleEdges } from './resolvers.ts';

type ResolverMap = Record<string, Record<string, unknown>>;

/** The resolver of `typename.field` among the entities' resolvers. */
function fieldResolver(resolvers: ModuleResolvers, typename: string, field: string) {
  const type = resolvers[typename];
  const resolve = type && !(type instanceof GraphQLScalarType) ? type[field] : undefined;
  if (typeof resolve !== 'function') throw new Error(`${typename}.${field} has no resolver`);
  return resolve;
}

interface RelatedItem {
  via: string;
  role?: string | null;
  direction?: 'OUTGOING' | 'INCOMING' | null;
  entity: unknown;
}

const tagged = (typename: string, entity: unknown) => (typeof entity === 'object' && entity ? { __typename: typename, ...entity } : null);

async function throughPivots(typename: string, row: { id: number }, ctx: Context): Promise<RelatedItem[]> {
  // Every pivot and every edge in parallel, so the loaders batch them: constant queries, whatever the fan-out.
  const sides = PIVOT_NAMES.flatMap((name) => {
    const pivot = PIVOTS[name];
    const ends = [
      { from: 'left', self: pivot.left, other: pivot.right },
      { from: 'right', self: pivot.right, other: pivot.left },
    ] as const;
    return ends.filter((end) => end.self.typename === typename).map(({ from, other }) => ({ name, from, other }));
  });
  const groups = await Promise.all(
    sides.map(async ({ name, from, other }) => {
      const edges = await visibleEdges(name, from, row.id, ctx);
      return Promise.all(
        edges.map(async (edge): Promise<RelatedItem> => {
          const entity = await sideEntity(other, edge[other.column], ctx);
          return { via: name, role: edge.role ?? null, entity: other.loader ? tagged(other.typename, entity) : entity };
        }),
      );
    }),
  );
  return groups.flat();
}

async function throughReferences(typename: string, row: unknown, ctx: Context, resolvers: ModuleResolvers): Promise<RelatedItem[]> {
  const groups = await Promise.all(
    (REFERENCES.get(typename) ?? []).map(async ([field, target]) => {
      const value: unknown = await fieldResolver(resolvers, typename, field)(row, {}, ctx, undefined as never);
      return (Array.isArray(value) ? value : value ? [value] : []).map((entity): RelatedItem => ({
        via: field,
        entity: target === 'User' ? entity : tagged(target, entity),
      }));
    }),
  );
  return groups.flat();
}

async function throughLinks(row: { externalId: string }, ctx: Context, info: GraphQLResolveInfo): Promise<RelatedItem[]> {
  const links = await linksOf(row.externalId, { direction: 'BOTH' }, ctx, info);
  return Promise.all(
    links.map(async (link) => {
      const outgoing = link.fromId === row.externalId;
      return {
        via: `link:${link.linkType}`,
        direction: outgoing ? ('OUTGOING' as const) : ('INCOMING' as const),
        entity: await resolveStoredRef(outgoing ? link.toId : link.fromId, ctx).catch(() => null),
      };
    }),
  );
}

/** `related` of each core entity type; references are read through the entities' own resolvers (`entities`). */
export function relatedResolvers(entities: ModuleResolvers): ResolverMap {
  const related =
    (typename: string) => async (row: { id: number; externalId: string }, _: unknown, ctx: Context, info: GraphQLResolveInfo) => {
      const groups = await Promise.all([
        throughPivots(typename, row, ctx),
        throughReferences(typename, row, ctx, entities),
        throughLinks(row, ctx, info),
      ]);
      return groups.flat().filter((item) => item.entity);
    };
  return Object.fromEntries([...REFERENCES.keys()].map((typename) => [typename, { related: related(typename) }]));
}
