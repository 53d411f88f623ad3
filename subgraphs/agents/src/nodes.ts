import { entityTypeOfId } from '@wrk/catalog';
import { typeOfIdOrThrow } from '@wrk/catalog/ids';
import { badUserInput, notFound } from '@wrk/platform';
import type { Context } from './context.ts';
import { isAgentsTypename } from './loaders.ts';
import type { ResolversParentTypes } from './__generated__/resolvers-types.ts';

/** An agents row or another subgraph's entity reference, tagged with its GraphQL type for Node.__resolveType. */
export type NodeRef = ResolversParentTypes['Node'] & { __typename: string };

/**
 * The entity a stored ID names: agents' own rows are loaded here (null when gone); entities of other
 * subgraphs become references `{ __typename, id }` whose fields the gateway fetches from their owner.
 * Only linkable types are declared in this schema; anything else resolves to null.
 */
export async function resolveEntityRef(id: string, ctx: Context): Promise<NodeRef | null> {
  const type = entityTypeOfId(id);
  if (!type?.linkable) return null;
  if (type.owner !== 'agents' || !isAgentsTypename(type.typename)) return { __typename: type.typename, id } as NodeRef;
  const row = await ctx.loaders.rows[type.typename].load(id);
  return row ? { __typename: type.typename, ...row } : null;
}

/**
 * Checks an ID argument that may name any linkable entity: INVALID_ID when malformed, BAD_USER_INPUT for a
 * type that cannot be referred to, NOT_FOUND (naming the field) when it does not exist or the caller may not
 * see it — agents' own entities here, the others asked of their owner with the caller's claims.
 */
export async function expectEntityId(field: string, id: string, ctx: Context): Promise<string> {
  const type = typeOfIdOrThrow(id);
  if (!type.linkable) throw badUserInput(field, `${type.typename} entities cannot be referred to`);
  if (!(await entityExists(id, ctx))) throw notFound(id, { field });
  return id;
}

/** Whether a linkable entity exists and the caller may see it (one answer): agents' own here, others at their owner. */
export async function entityExists(id: string, ctx: Context): Promise<boolean> {
  const type = entityTypeOfId(id);
  if (!type?.linkable) return false;
  return type.owner === 'agents' && isAgentsTypename(type.typename)
    ? (await ctx.loaders.rows[type.typename].load(id)) !== null
    : ctx.loaders.existsAtOwner.load(id);
}
