import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, OrganizationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { coreEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { optionalText, requiredText } from '../inputs.ts';

export const Organization: OrganizationResolvers = {
  ...coreEntityFields,
  contracts: (org, _, ctx) => ctx.loaders.contractsByOrganization.load(org.id),
  __resolveReference: async (ref, ctx) =>
    found(await ctx.loaders.organization.load(ref.id), ref.id),
};

export const OrganizationQueries: QueryResolvers = {
  organization: async (_, { id }, ctx) =>
    found(await ctx.loaders.organization.load(expectIdOf('Organization', id)), id),
  organizations: (_, args, ctx) => listPage(ctx.db.organization, args, ctx.loaders.visible.open, [{ name: 'asc' }]),
};

export const OrganizationMutations: MutationResolvers = {
  createOrganization: (_, { input }, ctx) =>
    writeAndRecord(ctx, 'Organization', 'create', async (tx) => ({
      after: await tx.organization.create({
        data: {
          ...newRowColumns(ctx, 'Organization'),
          name: requiredText('name', input.name),
          kind: optionalText('kind', input.kind, 100),
          website: optionalText('website', input.website, 500),
        },
      }),
    })),
};
