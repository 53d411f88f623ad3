import { badUserInput, dateOrNull, found, listPage, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf, optionalReferencedRow, referencedRow } from '@wrk/catalog/ids';
import type { ContractResolvers, MutationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { byExternalId, listWhere, oneOf, orderOf, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { formatMoney, parseMoney, type MoneyInput } from '../../money.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Contract: ContractResolvers = {
  ...ownedEntityFields,
  organization: async (contract, _, ctx) =>
    found(await ctx.loaders.organizationById.load(contract.organizationId), `organization of ${contract.externalId}`),
  project: (contract, _, ctx) => (contract.projectId ? ctx.loaders.projectById.load(contract.projectId) : null),
  grant: (contract, _, ctx) => (contract.grantId ? ctx.loaders.grantById.load(contract.grantId) : null),
  value: (contract) => formatMoney(contract.valueCents, contract.currency),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.contract.load(ref.id), ref.id),
};

const ORDER = {
  TITLE: 'title',
  START_DATE: 'startDate?',
  END_DATE: 'endDate?',
  VALUE: 'valueCents?',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
};

export const ContractQueries: QueryResolvers = {
  contract: async (_, { id }, ctx) => found(await ctx.loaders.contract.load(expectIdOf('Contract', id)), id),
  contracts: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.contract, {
      list: 'Query.contracts',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'contract', filter, [
        searchIn(['title', 'agreementTerms'], filter?.search),
        oneOf('status', filter?.status),
        byExternalId(ctx, 'organization', 'organization', filter?.organizationId),
        byExternalId(ctx, 'project', 'project', filter?.projectId),
        byExternalId(ctx, 'grant', 'grant', filter?.grantId),
        filter?.endsBefore ? { endDate: { lte: new Date(filter.endsBefore) } } : null,
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'title', direction: 'asc' }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: 'draft' | 'active' | 'expired' | 'terminated' | null) => value ?? 'draft',
  startDate: dateOrNull,
  endDate: dateOrNull,
  agreementTerms: (value: string | null) => optionalText('agreementTerms', value),
  billingTerms: (value: string | null) => optionalText('billingTerms', value),
  reportingTerms: (value: string | null) => optionalText('reportingTerms', value),
  complianceTerms: (value: string | null) => optionalText('complianceTerms', value),
  visibility: (value: 'internal' | 'restricted' | null) => value ?? 'internal',
};

/** Columns of the references and the amount an input names (each checked: exists, visible to the caller). */
async function referencesAndValue(
  ctx: Context,
  input: { organizationId?: string | null; projectId?: string | null; grantId?: string | null; value?: MoneyInput | null },
) {
  const data: Record<string, unknown> = {};
  if (input.organizationId === null) throw badUserInput('organizationId', 'a contract always has an organization');
  if (input.organizationId !== undefined) {
    data.organizationId = (await referencedRow(ctx.loaders.organization, 'organizationId', 'Organization', input.organizationId)).id;
  }
  if (input.projectId !== undefined) {
    data.projectId = (await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId))?.id ?? null;
  }
  if (input.grantId !== undefined) {
    data.grantId = (await optionalReferencedRow(ctx.loaders.grant, 'grantId', 'Grant', input.grantId))?.id ?? null;
  }
  if (input.value !== undefined) {
    const value = parseMoney('value', input.value);
    Object.assign(data, { valueCents: value?.cents ?? null, currency: value?.currency ?? null });
  }
  return data;
}

function checkDates(startDate: Date | null, endDate: Date | null) {
  if (startDate && endDate && endDate < startDate) throw badUserInput('endDate', 'must not be before startDate');
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.contract.load(expectIdOf('Contract', id)), id);

export const ContractMutations: MutationResolvers = {
  createContract: async (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...(await referencesAndValue(ctx, input)) };
    checkDates((data.startDate as Date) ?? null, (data.endDate as Date) ?? null);
    return writeAndRecord(ctx, 'Contract', 'create', async (tx) => ({
      after: await tx.contract.create({
        data: {
          ...newRowColumns(ctx, 'Contract'),
          title: fields.title(input.title),
          organizationId: data.organizationId as number,
          ...data,
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
  updateContract: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    const data = { ...changes(input, fields), ...(await referencesAndValue(ctx, input)) };
    checkDates(
      data.startDate === undefined ? existing.startDate : (data.startDate as Date | null),
      data.endDate === undefined ? existing.endDate : (data.endDate as Date | null),
    );
    return updateRow(ctx, 'Contract', existing, (tx) => tx.contract, data);
  },
  archiveContract: async (_, { id }, ctx) => archiveRow(ctx, 'Contract', await load(ctx, id), (tx) => tx.contract),
};
