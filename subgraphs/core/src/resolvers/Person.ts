import { found, listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, PersonResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { coreEntityFields } from '../nodes.ts';
import { newRowColumns, writeAndRecord } from '../writes.ts';
import { optionalEmail, optionalText, requiredText } from '../inputs.ts';

export const Person: PersonResolvers = {
  ...coreEntityFields,
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.person.load(ref.id), ref.id),
};

export const PersonQueries: QueryResolvers = {
  person: async (_, { id }, ctx) => found(await ctx.loaders.person.load(expectIdOf('Person', id)), id),
  people: (_, args, ctx) => listPage(ctx.db.person, args, ctx.loaders.visible.open, [{ fullName: 'asc' }]),
};

export const PersonMutations: MutationResolvers = {
  createPerson: (_, { input }, ctx) =>
    writeAndRecord(ctx, 'Person', 'create', async (tx) => ({
      after: await tx.person.create({
        data: {
          ...newRowColumns(ctx, 'Person'),
          fullName: requiredText('fullName', input.fullName),
          email: optionalEmail('email', input.email),
          phone: optionalText('phone', input.phone, 50),
          title: optionalText('title', input.title, 200),
        },
      }),
    })),
};
