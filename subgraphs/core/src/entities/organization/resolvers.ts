import { found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, OrganizationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { listWhere, orderOf, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Organization: OrganizationResolvers = {
  ...coreEntityFields,
  people: edgesOf('OrganizationPerson', 'left'),
  meetings: edgesOf('MeetingOrganization', 'right'),
  projects: edgesOf('ProjectOrganization', 'right'),
  grants: edgesOf('OrganizationGrant', 'left'),
  contracts: (org, _, ctx) => ctx.loaders.contractsByOrganization.load(org.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.organization.load(ref.id), ref.id),
};

const ORDER = { NAME: 'name', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

export const OrganizationQueries: QueryResolvers = {
  organization: async (_, { id }, ctx) => found(await ctx.loaders.organization.load(expectIdOf('Organization', id)), id),
  organizations: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.organization, {
      list: 'Query.organizations',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'organization', filter, [searchIn(['name'], filter?.search), filter?.kind ? { kind: filter.kind } : null]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'name', direction: 'asc' }]),
    }),
};

const fields = {
  name: (value: string | null) => requiredText('name', value ?? ''),
  kind: (value: string | null) => optionalText('kind', value, 100),
  website: (value: string | null) => optionalText('website', value, 500),
};

const load = async (ctx: Context, id: string) =>
  found(await ctx.loaders.organization.load(expectIdOf('Organization', id)), id);

export const OrganizationMutations: MutationResolvers = {
  createOrganization: (_, { input }, ctx) =>
    writeAndRecord(ctx, 'Organization', 'create', async (tx) => ({
      after: await tx.organization.create({
        data: { ...newRowColumns(ctx, 'Organization'), name: fields.name(input.name), ...changes(input, fields) },
      }),
    })),
  updateOrganization: async (_, { id, input }, ctx) =>
    updateRow(ctx, 'Organization', await load(ctx, id), (tx) => tx.organization, changes(input, fields)),
  archiveOrganization: async (_, { id }, ctx) => archiveRow(ctx, 'Organization', await load(ctx, id), (tx) => tx.organization),
};
