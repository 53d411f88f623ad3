import { schemaModule } from '@wrk/platform';
import type { MutationResolvers, PersonResolvers, QueryResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';
import { relatedThrough, searchIn } from '../../lists.ts';
import { coreEntityFields } from '../../nodes.ts';
import { edgesOf } from '../../relations/resolvers.ts';
import { changes } from '../fields.ts';
import { entityRootFields } from '../rootFields.ts';
import { fields, person } from './spec.ts';

const people = entityRootFields(
  person,
  (ctx) => ctx.loaders.person,
  (ctx) => ctx.db.person,
);

export const Person: PersonResolvers = {
  ...coreEntityFields,
  organizations: edgesOf('OrganizationPerson', 'right'),
  meetings: edgesOf('MeetingPerson', 'right'),
  projects: edgesOf('ProjectPerson', 'right'),
  __resolveReference: people.resolveReference,
};

export const PersonQueries: QueryResolvers = {
  person: people.byId,
  people: people.list((ctx, filter) => [
    searchIn(['fullName', 'email'], filter.search),
    relatedThrough(ctx, 'organizations', 'organization', filter.organizationId),
  ]),
};

export const PersonMutations: MutationResolvers = {
  createPerson: (_, { input }, ctx) => people.service.create(ctx, { fullName: fields.fullName(input.fullName), ...changes(input, fields) }),
  updatePerson: async (_, { id, input }, ctx) => people.service.update(ctx, await people.service.load(ctx, id), changes(input, fields)),
  archivePerson: people.archive,
};

/** The entity's module: its schema fragment and its resolvers. */
export const personModule = schemaModule(new URL('./person.graphql', import.meta.url), {
  Query: PersonQueries,
  Mutation: PersonMutations,
  Person,
} satisfies Resolvers);
