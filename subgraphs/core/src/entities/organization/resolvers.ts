import { schemaModule } from '@wrk/platform';
import type { MutationResolvers, OrganizationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, organization } from './spec.ts';

const organizations = entityRootFields(
  organization,
  (ctx) => ctx.loaders.organization,
  (ctx) => ctx.db.organization,
);

export const Organization: OrganizationResolvers = {
  ...coreEntityFields,
  people: edgesOf('OrganizationPerson', 'left'),
  meetings: edgesOf('MeetingOrganization', 'right'),
  projects: edgesOf('ProjectOrganization', 'right'),
  grants: edgesOf('OrganizationGrant', 'left'),
  contracts: (org, _, ctx) => ctx.loaders.contractsByOrganization.load(org.id),
  __resolveReference: organizations.resolveReference,
};

export const OrganizationQueries: QueryResolvers = {
  organization: organizations.byId,
  organizations: organizations.list((ctx, filter) => [searchIn(['name'], filter.search), filter.kind ? { kind: filter.kind } : null]),
};

export const OrganizationMutations: MutationResolvers = {
  createOrganization: (_, { input }, ctx) =>
    organizations.service.create(ctx, { name: fields.name(input.name), ...changes(input, fields) }),
  updateOrganization: async (_, { id, input }, ctx) =>
    organizations.service.update(ctx, await organizations.service.load(ctx, id), changes(input, fields)),
  archiveOrganization: organizations.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const organizationModule = schemaModule(new URL('./organization.graphql', import.meta.url), {
  Query: OrganizationQueries,
  Mutation: OrganizationMutations,
  Organization,
} satisfies Resolvers);
