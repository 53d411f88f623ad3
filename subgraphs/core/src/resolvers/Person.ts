import { found, optionalEmail, optionalText, requiredText, writeAndRecord } from '@wrk/platform';
import { listPage } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, PersonResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { archiveRow, changes, updateRow } from '../entityWrites.ts';
import { listWhere, orderOf, relatedThrough, searchIn } from '../lists.ts';
import { coreEntityFields } from '../nodes.ts';
import { edgesOf } from './relations.ts';
import { newRowColumns } from '@wrk/catalog/rows';

export const Person: PersonResolvers = {
  ...coreEntityFields,
  organizations: edgesOf('OrganizationPerson', 'right'),
  meetings: edgesOf('MeetingPerson', 'right'),
  projects: edgesOf('ProjectPerson', 'right'),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.person.load(ref.id), ref.id),
};

const ORDER = { FULL_NAME: 'fullName', EMAIL: 'email?', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' };

export const PersonQueries: QueryResolvers = {
  person: async (_, { id }, ctx) => found(await ctx.loaders.person.load(expectIdOf('Person', id)), id),
  people: (_, { filter, orderBy, ...page }, ctx) =>
    listPage(ctx.db.person, {
      list: 'Query.people',
      args: { ...page, filter, orderBy },
      where: listWhere(ctx, 'person', filter, [
        searchIn(['fullName', 'email'], filter?.search),
        relatedThrough(ctx, 'organizations', 'organization', filter?.organizationId),
      ]),
      orderBy: orderOf(orderBy, ORDER, [{ field: 'fullName', direction: 'asc' }]),
    }),
};

const fields = {
  fullName: (value: string | null) => requiredText('fullName', value ?? ''),
  email: (value: string | null) => optionalEmail('email', value),
  phone: (value: string | null) => optionalText('phone', value, 50),
  title: (value: string | null) => optionalText('title', value, 200),
};

export const PersonMutations: MutationResolvers = {
  createPerson: (_, { input }, ctx) =>
    writeAndRecord(ctx, 'Person', 'create', async (tx) => ({
      after: await tx.person.create({
        data: { ...newRowColumns(ctx, 'Person'), fullName: fields.fullName(input.fullName), ...changes(input, fields) },
      }),
    })),
  updatePerson: async (_, { id, input }, ctx) =>
    updateRow(ctx, 'Person', found(await ctx.loaders.person.load(expectIdOf('Person', id)), id), (tx) => tx.person, changes(input, fields)),
  archivePerson: async (_, { id }, ctx) =>
    archiveRow(ctx, 'Person', found(await ctx.loaders.person.load(expectIdOf('Person', id)), id), (tx) => tx.person),
};
