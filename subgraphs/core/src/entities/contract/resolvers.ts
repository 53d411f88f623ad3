import { badUserInput, found, dateOrder, schemaModule } from '@wrk/platform';
import { optionalReferencedRow, referencedRow } from '@wrk/catalog/ids';
import type { ContractResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { byExternalId, oneOf, searchIn } from '../../lists.ts';
import { formatMoney, parseMoney, type MoneyInput } from '../../money.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { after, changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { contract, fields } from './spec.ts';

const contracts = entityRootFields(
  contract,
  (ctx) => ctx.loaders.contract,
  (ctx) => ctx.db.contract,
);

export const Contract: ContractResolvers = {
  ...ownedEntityFields,
  organization: async (row, _, ctx) =>
    found(await ctx.loaders.organizationById.load(row.organizationId), `organization of ${row.externalId}`),
  project: (row, _, ctx) => (row.projectId ? ctx.loaders.projectById.load(row.projectId) : null),
  grant: (row, _, ctx) => (row.grantId ? ctx.loaders.grantById.load(row.grantId) : null),
  value: (row) => formatMoney(row.valueCents, row.currency),
  __resolveReference: contracts.resolveReference,
};

export const ContractQueries: QueryResolvers = {
  contract: contracts.byId,
  contracts: contracts.list((ctx, filter) => [
    searchIn(['title', 'agreementTerms'], filter.search),
    oneOf('status', filter.status),
    byExternalId(ctx, 'organization', 'organization', filter.organizationId),
    byExternalId(ctx, 'project', 'project', filter.projectId),
    byExternalId(ctx, 'grant', 'grant', filter.grantId),
    filter.endsBefore ? { endDate: { lte: new Date(filter.endsBefore) } } : null,
  ]),
};

interface ReferenceInput {
  organizationId?: string | null;
  projectId?: string | null;
  grantId?: string | null;
  value?: MoneyInput | null;
}

/** Columns of the references and the amount an input names (each checked: exists, visible to the caller). */
async function referencesAndValue(ctx: Context, input: ReferenceInput) {
  if (input.organizationId === null) throw badUserInput('organizationId', 'a contract always has an organization');
  const organization =
    input.organizationId === undefined
      ? undefined
      : await referencedRow(ctx.loaders.organization, 'organizationId', 'Organization', input.organizationId);
  const project =
    input.projectId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.project, 'projectId', 'Project', input.projectId);
  const grant = input.grantId === undefined ? undefined : await optionalReferencedRow(ctx.loaders.grant, 'grantId', 'Grant', input.grantId);
  const value = input.value === undefined ? undefined : parseMoney('value', input.value);
  return {
    ...(organization && { organizationId: organization.id }),
    ...(project !== undefined && { projectId: project?.id ?? null }),
    ...(grant !== undefined && { grantId: grant?.id ?? null }),
    ...(value !== undefined && { valueCents: value?.cents ?? null, currency: value?.currency ?? null }),
  };
}

export const ContractMutations: MutationResolvers = {
  createContract: async (_, { input }, ctx) => {
    const data = changes(input, fields);
    const { organizationId, ...references } = await referencesAndValue(ctx, input);
    if (organizationId === undefined) throw badUserInput('organizationId', 'a contract always has an organization');
    dateOrder(data.startDate ?? null, data.endDate ?? null);
    return contracts.service.create(ctx, {
      title: fields.title(input.title),
      organizationId,
      ...data,
      ...references,
      ownerUserId: ctx.claims.sub ?? null,
    });
  },
  updateContract: async (_, { id, input }, ctx) => {
    const existing = await contracts.service.load(ctx, id);
    const data = { ...changes(input, fields), ...(await referencesAndValue(ctx, input)) };
    dateOrder(after(data.startDate, existing.startDate), after(data.endDate, existing.endDate));
    return contracts.service.update(ctx, existing, data);
  },
  archiveContract: contracts.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const contractModule = schemaModule(new URL('./contract.graphql', import.meta.url), {
  Query: ContractQueries,
  Mutation: ContractMutations,
  Contract,
} satisfies Resolvers);
