import { badUserInput, listPage, notFound, schemaModule, writeAndRecord } from '@wrk/platform';
import { byIdFields, typeOfIdOrThrow } from '@wrk/catalog/ids';
import type { EntityLinkResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { entityExists, reportUnavailableLinks, resolveStoredRef } from '../../nodes.ts';
import { newRowColumns } from '@wrk/catalog/rows';

const links = byIdFields('EntityLink', (ctx: Context) => ctx.loaders.entityLink);

const LINK_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

export const EntityLink: EntityLinkResolvers = {
  id: (link) => link.externalId,
  from: (link, _, ctx) => resolveStoredRef(link.fromId, ctx),
  to: (link, _, ctx) => resolveStoredRef(link.toId, ctx),
  // The link loaders apply the one rule for links (both ends visible) on every path: here, node, nodes, lists.
  __resolveReference: links.resolveReference,
};

export const EntityLinkQueries: QueryResolvers = {
  entityLink: links.byId,
  entityLinks: async (_, args, ctx, info) => {
    const visible = await ctx.loaders.visibleLinksWhere();
    if (visible.unavailable.length) reportUnavailableLinks(ctx, info, visible.unavailable);
    return listPage(ctx.db.entityLink, {
      list: 'Query.entityLinks',
      args,
      where: { AND: [visible.where, args.linkType ? { linkType: args.linkType } : {}] },
    });
  },
};

/** The linkable entity an argument names, checked to exist (at its owner) before a link may point at it. */
async function linkEndpoint(field: string, id: string, ctx: Context) {
  const type = typeOfIdOrThrow(id);
  if (!type.linkable) throw badUserInput(field, `${type.typename} entities cannot be linked`);
  if (!(await entityExists(id, ctx))) throw notFound(id, { field });
  return type;
}

export const EntityLinkMutations: MutationResolvers = {
  createEntityLink: async (_, { from, to, linkType }, ctx) => {
    if (!LINK_TYPE.test(linkType)) throw badUserInput('linkType', 'must be lower_snake_case, e.g. supporting_document');
    if (from === to) throw badUserInput('to', 'an entity cannot be linked to itself');
    const [fromType, toType] = await Promise.all([linkEndpoint('from', from, ctx), linkEndpoint('to', to, ctx)]);
    return writeAndRecord(ctx, 'EntityLink', 'link', async (tx) => ({
      after: await tx.entityLink.create({
        data: {
          ...newRowColumns(ctx, 'EntityLink'),
          fromType: fromType.typename,
          fromId: from,
          toType: toType.typename,
          toId: to,
          linkType,
          createdBy: ctx.actor,
          source: ctx.sourceSystem,
        },
      }),
    }));
  },
};

/** The entity's module: its schema fragment and its resolvers. */
export const entityLinkModule = schemaModule(new URL('./entityLink.graphql', import.meta.url), {
  Query: EntityLinkQueries,
  Mutation: EntityLinkMutations,
  EntityLink,
} satisfies Resolvers);
