import { found, listPage, schemaModule } from '@wrk/platform';
import { expectIdOf } from '@wrk/catalog/ids';
import type { MutationResolvers, PersonResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { listWhere, orderOf, relatedThrough, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { changes } from '../fields.ts';
import { entityService } from '../service.ts';
import { fields, person } from './spec.ts';

const people = entityService(person, (ctx) => ctx.loaders.person);

export const Person: PersonResolvers = {
  ...coreEntityFields,
  organizations: edgesOf('OrganizationPerson', 'right'),
  meetings: edgesOf('MeetingPerson', 'right'),
  projects: edgesOf('ProjectPerson', 'right'),
  __resolveReference: async (ref, ctx) => found(await ctx.loaders.person.load(ref.id), ref.id),
};

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
      orderBy: orderOf(orderBy, person.order),
    }),
};

export const PersonMutations: MutationResolvers = {
  createPerson: (_, { input }, ctx) => people.create(ctx, { fullName: fields.fullName(input.fullName), ...changes(input, fields) }),
  updatePerson: async (_, { id, input }, ctx) => people.update(ctx, await people.load(ctx, id), changes(input, fields)),
  archivePerson: (_, { id }, ctx) => people.archive(ctx, id),
};

/** The entity's module: its schema fragment and its resolvers. */
export const personModule = schemaModule(new URL('./person.graphql', import.meta.url), {
  Query: PersonQueries,
  Mutation: PersonMutations,
  Person,
} satisfies Resolvers);
