import { badUserInput, dateOrNull, found, listPage, requiredText, writeAndRecord } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { GrantResolvers, MutationResolvers, QueryResolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { archiveRow, changes, updateRow } from '../../entityWrites.ts';
import { listWhere, oneOf, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { ownedEntityFields } from '../../nodes.ts';
import { formatMoney, parseMoney, type MoneyInput } from '../../money.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Grant: GrantResolvers = {
  ...ownedEntityFields,
  amount: (grant) => formatMoney(grant.amountCents, grant.currency),
  contracts: (grant, _, ctx) => ctx.loaders.contractsByGrant.load(grant.id),
  organizations: edgesOf('OrganizationGrant', 'right'),
  projects: edgesOf('ProjectGrant', 'right'),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.grant.load(ref.id), ref.id),
};

const ORDER = {
  TITLE: 'title',
  START_DATE: 'startDate?',
  END_DATE: 'endDate?',
  REPORTING_DUE_DATE: 'reportingDueDate?',
  AMOUNT: 'amountCents?',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
};

export const GrantQueries: QueryResolvers = {
  grant: async (_, { id }, ctx) => found(await ctx.loaders.grant.load(expectIdOf('Grant', id)), id),
  grants: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.grant, {
      list: 'Query.grants',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'grant', filter, [
        searchIn(['title'], filter?.search),
        oneOf('status', filter?.status),
        relatedThrough(ctx, 'organizations', 'organization', filter?.organizationId),
        relatedThrough(ctx, 'projects', 'project', filter?.projectId),
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'title', direction: 'asc' }]),
    }),
};

const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: 'prospect' | 'applied' | 'awarded' | 'reporting' | 'closed' | 'declined' | null) => value ?? 'prospect',
  startDate: dateOrNull,
  endDate: dateOrNull,
  reportingDueDate: dateOrNull,
  visibility: (value: 'internal' | 'restricted' | null) => value ?? 'internal',
};

function amountOf(amount: MoneyInput | null | undefined): Record<string, unknown> {
  if (amount === undefined) return {};
  const parsed = parseMoney('amount', amount);
  return { amountCents: parsed?.cents ?? null, currency: parsed?.currency ?? null };
}

function checkDates(startDate: Date | null, endDate: Date | null) {
  if (startDate && endDate && endDate < startDate) throw badUserInput('endDate', 'must not be before startDate');
}

const load = async (ctx: Context, id: string) => found(await ctx.loaders.grant.load(expectIdOf('Grant', id)), id);

export const GrantMutations: MutationResolvers = {
  createGrant: (_, { input }, ctx) => {
    const data = { ...changes(input, fields), ...amountOf(input.amount) };
    checkDates((data.startDate as Date) ?? null, (data.endDate as Date) ?? null);
    return writeAndRecord(ctx, 'Grant', 'create', async (tx) => ({
      after: await tx.grant.create({
        data: { ...newRowColumns(ctx, 'Grant'), title: fields.title(input.title), ...data, ownerUserId: ctx.claims.sub ?? null },
      }),
    }));
  },
  updateGrant: async (_, { id, input }, ctx) => {
    const existing = await load(ctx, id);
    const data = { ...changes(input, fields), ...amountOf(input.amount) };
    checkDates(
      data.startDate === undefined ? existing.startDate : (data.startDate as Date | null),
      data.endDate === undefined ? existing.endDate : (data.endDate as Date | null),
    );
    return updateRow(ctx, 'Grant', existing, (tx) => tx.grant, data);
  },
  archiveGrant: async (_, { id }, ctx) => archiveRow(ctx, 'Grant', await load(ctx, id), (tx) => tx.grant),
};
