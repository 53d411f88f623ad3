import { badUserInput, found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { GrantResolvers, MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { ownedEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { dateOrNull, requiredText } from '../inputs.ts';
import { formatMoney, parseMoney } from '../money.ts';

export const Grant: GrantResolvers = {
  ...ownedEntityFields,
  amount: (grant) => formatMoney(grant.amountCents, grant.currency),
  contracts: (grant, _, ctx) => ctx.loaders.contractsByGrant.load(grant.id),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.grant.load(ref.id), ref.id),
};

export const GrantQueries: QueryResolvers = {
  grant: async (_, { id }, ctx) => found(await ctx.loaders.grant.load(expectIdOf('Grant', id)), id),
  grants: (_, args, ctx) => listPage(ctx.db.grant, args, ctx.loaders.visible.restrictable, [{ title: 'asc' }]),
};

export const GrantMutations: MutationResolvers = {
  createGrant: (_, { input }, ctx) => {
    const amount = parseMoney('amount', input.amount);
    const startDate = dateOrNull(input.startDate);
    const endDate = dateOrNull(input.endDate);
    if (startDate && endDate && endDate < startDate) throw badUserInput('endDate', 'must not be before startDate');
    return writeAndRecord(ctx, 'Grant', 'create', async (tx) => ({
      after: await tx.grant.create({
        data: {
          ...newRowColumns(ctx, 'Grant'),
          title: requiredText('title', input.title),
          status: input.status ?? 'prospect',
          amountCents: amount?.cents ?? null,
          currency: amount?.currency ?? null,
          startDate,
          endDate,
          reportingDueDate: dateOrNull(input.reportingDueDate),
          visibility: input.visibility ?? 'internal',
          ownerUserId: ctx.claims.sub ?? null,
        },
      }),
    }));
  },
};
