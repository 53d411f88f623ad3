import { entityTypeOfId } from '@wrk/catalog';
import { typeOfIdOrThrow } from '@wrk/catalog/ids';
import type { GraphQLResolveInfo } from 'graphql';
import { mayReadType, notFound, reportLeftOut } from '@wrk/platform';
import { scopes } from './schema.ts';
import type { Context } from './context.ts';
import type { EntityLink } from './db.ts';
import type { ResolversParentTypes } from './__generated__/resolvers-types.ts';

/** A core row or another subgraph's entity reference, tagged with its GraphQL type for Node.__resolveType. */
export type NodeRef = ResolversParentTypes['Node'] & { __typename: string };

/**
 * Resolves any ID of the graph: core's own entities are loaded here (NOT_FOUND when absent); entities of
 * other subgraphs become stubs `{ __typename, id }` whose fields the gateway fetches from their owner.
 */
export async function resolveNode(id: string, ctx: Context): Promise<NodeRef> {
  const type = typeOfIdOrThrow(id);
  const loader = ctx.loaders.rowsOf(type.typename);
  // A type the caller may not read at all: its entities do not exist for them, same answer as for a missing ID.
  if (!mayReadType(scopes, ctx.claims, type.typename)) throw notFound(id);
  if (type.owner !== 'core' || !loader) {
    if (!(await ctx.loaders.existsAtOwner.load(id))) throw notFound(id);
    return { __typename: type.typename, id };
  }
  const row = await loader.load(id);
  if (!row) throw notFound(id);
  return { __typename: type.typename, ...row };
}

/** Like resolveNode, for a stored reference: a target that is gone resolves to null (with an error entry). */
export async function resolveStoredRef(id: string, ctx: Context): Promise<NodeRef | null> {
  if (!entityTypeOfId(id)) return null;
  return resolveNode(id, ctx);
}

/** Whether an entity exists and the caller may see it: core checks its own rows, owners check theirs. */
export async function entityExists(id: string, ctx: Context): Promise<boolean> {
  const type = entityTypeOfId(id);
  if (!type) return false;
  const loader = ctx.loaders.rowsOf(type.typename);
  if (loader) return (await loader.load(id)) !== null;
  return ctx.loaders.existsAtOwner.load(id);
}

/** Like entityExists, but an archived core entity still counts: its history (audit trail) stays readable. */
export async function entityVisibleEvenArchived(id: string, ctx: Context): Promise<boolean> {
  const type = entityTypeOfId(id);
  return (type && (await ctx.loaders.visibleEvenArchived(type.typename, id))) ?? entityExists(id, ctx);
}

export type LinkDirection = 'OUTGOING' | 'INCOMING' | 'BOTH';

type LinkArgs = { linkType?: string | null; direction?: LinkDirection | null };

/**
 * An entity's links the caller may see. Links whose other end's owner cannot be asked now are left out — whether
 * the caller may see that end is unknown, and a hidden entity must stay missing — and the field answering the list
 * (`info`) gets an UNAVAILABLE error at its path naming that service: the list is answered, and said to be partial.
 */
export async function linksOf(
  entityId: string,
  args: LinkArgs,
  ctx: Context,
  info?: Pick<GraphQLResolveInfo, 'path'>,
): Promise<EntityLink[]> {
  const direction = args.direction ?? 'BOTH';
  const [outgoing, incoming] = await Promise.all([
    direction === 'INCOMING' ? [] : ctx.loaders.linksByEnd.load({ direction: 'OUTGOING', id: entityId }),
    direction === 'OUTGOING' ? [] : ctx.loaders.linksByEnd.load({ direction: 'INCOMING', id: entityId }),
  ]);
  const directions = direction === 'BOTH' ? (['OUTGOING', 'INCOMING'] as const) : [direction];
  const unavailable = [...new Set(directions.flatMap((side) => ctx.loaders.uncheckedOwners(entityId, side, args.linkType)))];
  if (info && unavailable.length) reportUnavailableLinks(ctx, info, unavailable);
  // The link loaders keep only links whose two ends the caller may see (loaders.ts).
  return [...outgoing, ...incoming].filter((link) => !args.linkType || link.linkType === args.linkType);
}

/** The UNAVAILABLE error at a links list's path, naming the services whose links it left out (none of their IDs). */
export const reportUnavailableLinks = (ctx: Context, info: Pick<GraphQLResolveInfo, 'path'>, owners: string[]) =>
  reportLeftOut(ctx, info, 'Links to entities', owners);

/** A reference to a user, resolved by the identity subgraph. */
export const userRef = (userId: string | null) => (userId ? { __typename: 'User' as const, id: userId } : null);

/** Fields every core entity row shares. */
export const coreEntityFields = {
  id: (row: { externalId: string }) => row.externalId,
  links: (row: { externalId: string }, args: LinkArgs, ctx: Context, info: GraphQLResolveInfo) => linksOf(row.externalId, args, ctx, info),
};

export const ownedEntityFields = {
  ...coreEntityFields,
  owner: (row: { ownerUserId: string | null }) => userRef(row.ownerUserId),
};

/** The `links` field core contributes to entities owned by other subgraphs. */
export const foreignEntityFields = {
  links: (ref: { id: string }, args: LinkArgs, ctx: Context, info: GraphQLResolveInfo) => linksOf(ref.id, args, ctx, info),
};
