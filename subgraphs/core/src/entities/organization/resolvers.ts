import { found, listPage, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, OrganizationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { listWhere, orderOf, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { changes } from '../fields.ts';
import { entityService } from '../service.ts';
import { fields, organization } from './spec.ts';

const organizations = entityService(organization, (ctx) => ctx.loaders.organization);

export const Organization: OrganizationResolvers = {
  ...coreEntityFields,
  people: edgesOf('OrganizationPerson', 'left'),
  meetings: edgesOf('MeetingOrganization', 'right'),
  projects: edgesOf('ProjectOrganization', 'right'),
  grants: edgesOf('OrganizationGrant', 'left'),
  contracts: (org, _, ctx) => ctx.loaders.contractsByOrganization.load(org.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.organization.load(ref.id), ref.id),
};

export const OrganizationQueries: QueryResolvers = {
  organization: async (_, { id }, ctx) => found(await ctx.loaders.organization.load(expectIdOf('Organization', id)), id),
  organizations: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.organization, {
      list: 'Query.organizations',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'organization', filter, [searchIn(['name'], filter?.search), filter?.kind ? { kind: filter.kind } : null]),
      orderBy: orderOf(orderBy, organization.order),
    }),
};

export const OrganizationMutations: MutationResolvers = {
  createOrganization: (_, { input }, ctx) => organizations.create(ctx, { name: fields.name(input.name), ...changes(input, fields) }),
  updateOrganization: async (_, { id, input }, ctx) => organizations.update(ctx, await organizations.load(ctx, id), changes(input, fields)),
  archiveOrganization: (_, { id }, ctx) => organizations.archive(ctx, id),
};

/** The entity's module: its schema fragment and its resolvers. */
export const organizationModule = schemaModule(new URL('./organization.graphql', import.meta.url), {
  Query: OrganizationQueries,
  Mutation: OrganizationMutations,
  Organization,
} satisfies Resolvers);
