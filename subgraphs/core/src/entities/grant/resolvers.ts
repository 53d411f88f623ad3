import { dateOrder, schemaModule } from '@wrk/platform';
import type { GrantResolvers, MutationResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { oneOf, relatedThrough, searchIn } from '../../lists.ts';
import { formatMoney, parseMoney, type MoneyInput } from '../../money.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { after, changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, grant } from './spec.ts';

const grants = entityRootFields(
  grant,
  (ctx) => ctx.loaders.grant,
  (ctx) => ctx.db.grant,
);

export const Grant: GrantResolvers = {
  ...ownedEntityFields,
  amount: (row) => formatMoney(row.amountCents, row.currency),
  contracts: (row, _, ctx) => ctx.loaders.contractsByGrant.load(row.id),
  organizations: edgesOf('OrganizationGrant', 'right'),
  projects: edgesOf('ProjectGrant', 'right'),
  __resolveReference: grants.resolveReference,
};

export const GrantQueries: QueryResolvers = {
  grant: grants.byId,
  grants: grants.list((ctx, filter) => [
    searchIn(['title'], filter.search),
    oneOf('status', filter.status),
    relatedThrough(ctx, 'organizations', 'organization', filter.organizationId),
    relatedThrough(ctx, 'projects', 'project', filter.projectId),
  ]),
};

function amountOf(amount: MoneyInput | null | undefined) {
  if (amount === undefined) return {};
  const parsed = parseMoney('amount', amount);
  return { amountCents: parsed?.cents ?? null, currency: parsed?.currency ?? null };
}

export const GrantMutations: MutationResolvers = {
  createGrant: (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...amountOf(input.amount) };
    dateOrder(data.startDate ?? null, data.endDate ?? null);
    return grants.service.create(ctx, { title: fields.title(input.title), ...data, ownerUserId: ctx.claims.sub ?? null });
  },
  updateGrant: async (_, { id, input }, ctx) => {
    const existing = await grants.service.load(ctx, id);
    const data = { ...changes(input, fields), ...amountOf(input.amount) };
    dateOrder(after(data.startDate, existing.startDate), after(data.endDate, existing.endDate));
    return grants.service.update(ctx, existing, data);
  },
  archiveGrant: grants.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const grantModule = schemaModule(new URL('./grant.graphql', import.meta.url), {
  Query: GrantQueries,
  Mutation: GrantMutations,
  Grant,
} satisfies Resolvers);
