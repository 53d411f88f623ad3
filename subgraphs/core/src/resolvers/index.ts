import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Action, ActionMutations, ActionQueries } from './Action.ts';
import { AuditLogQueries } from './AuditLogEntry.ts';
import { Contract, ContractMutations, ContractQueries } from './Contract.ts';
import { Decision, DecisionMutations, DecisionQueries } from './Decision.ts';
import { EntityLink, EntityLinkMutations, EntityLinkQueries } from './EntityLink.ts';
import { enumResolvers } from './enums.ts';
import * as foreignEntities from './foreignEntities.ts';
import { Grant, GrantMutations, GrantQueries } from './Grant.ts';
import { Meeting, MeetingMutations, MeetingQueries } from './Meeting.ts';
import { Node } from './Node.ts';
import { Organization, OrganizationMutations, OrganizationQueries } from './Organization.ts';
import { Person, PersonMutations, PersonQueries } from './Person.ts';
import { Project, ProjectMutations, ProjectQueries } from './Project.ts';
import { NodeQueries } from './Query.ts';
import { edgeTypes, RelationMutations } from './relations.ts';
import { withRelated } from './Related.ts';
import { Trip, TripMutations, TripQueries } from './Trip.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...enumResolvers,
  ...foreignEntities,
  ...edgeTypes,
  Query: {
    ...NodeQueries,
    ...PersonQueries,
    ...OrganizationQueries,
    ...MeetingQueries,
    ...ProjectQueries,
    ...ContractQueries,
    ...TripQueries,
    ...GrantQueries,
    ...ActionQueries,
    ...DecisionQueries,
    ...EntityLinkQueries,
    ...AuditLogQueries,
  },
  Mutation: {
    ...PersonMutations,
    ...OrganizationMutations,
    ...MeetingMutations,
    ...ProjectMutations,
    ...ContractMutations,
    ...TripMutations,
    ...GrantMutations,
    ...ActionMutations,
    ...DecisionMutations,
    ...EntityLinkMutations,
    ...RelationMutations,
  },
  Node,
  Person,
  Organization,
  Meeting,
  Project,
  Contract,
  Trip,
  Grant,
  Action,
  Decision,
  EntityLink,
};

// `related` reuses the relationship resolvers above, so it is attached once they exist.
withRelated(resolvers);
