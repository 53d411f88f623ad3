import { badUserInput, found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { ContractResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { ownedEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, optionalReferencedRow, optionalText, referencedRow, requiredText } from '../inputs.ts';
import { formatMoney, parseMoney } from '../money.ts';

export const Contract: ContractResolvers = {
  ...ownedEntityFields,
  organization: async (contract, _, ctx) =>
    found(await ctx.loaders.organizationById.load(contract.organizationId), `organization of ${contract.externalId}`),
  project: (contract, _, ctx) => (contract.projectId ? ctx.loaders.projectById.load(contract.projectId) : null),
  grant: (contract, _, ctx) => (contract.grantId ? ctx.loaders.grantById.load(contract.grantId) : null),
  value: (contract) => formatMoney(contract.valueCents, contract.currency),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.contract.load(ref.id), ref.id),
};

export const ContractQueries: QueryResolvers = {
  contract: async (_, { id }, ctx) => found(await ctx.loaders.contract.load(expectIdOf('Contract', id)), id),
  contracts: (_, args, ctx) => listPage(ctx.db.contract, args, ctx.loaders.visible.restrictable, [{ title: 'asc' }]),
};

export const ContractMutations: MutationResolvers = {
  createContract: async (_, { input }, ctx) => {
    const [organization, project, grant] = await Promise.all([
      referencedRow(ctx, 'organizationId', 'Organization', 'organization', input.organizationId),
      optionalReferencedRow(ctx, 'projectId', 'Project', 'project', input.projectId),
      optionalReferencedRow(ctx, 'grantId', 'Grant', 'grant', input.grantId),
    ]);
    const value = parseMoney('value', input.value);
    const startDate = dateOrNull(input.startDate);
    const endDate = dateOrNull(input.endDate);
    if (startDate && endDate && endDate < startDate) throw badUserInput('endDate', 'must not be before startDate');
    return writeAndRecord(ctx, 'Contract', 'create', async (tx) => ({
      after: await tx.contract.create({
        data: {
          ...newRowColumns(ctx, 'Contract'),
          title: requiredText('title', input.title),
          status: input.status ?? 'draft',
          organizationId: organization.id,
          projectId: project?.id ?? null,
          grantId: grant?.id ?? null,
          startDate,
          endDate,
          valueCents: value?.cents ?? null,
          currency: value?.currency ?? null,
          agreementTerms: optionalText('agreementTerms', input.agreementTerms),
          billingTerms: optionalText('billingTerms', input.billingTerms),
          reportingTerms: optionalText('reportingTerms', input.reportingTerms),
          complianceTerms: optionalText('complianceTerms', input.complianceTerms),
          visibility: input.visibility ?? 'internal',
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
};
