import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Action, ActionMutations, ActionQueries } from '../entities/action/resolvers.ts';
import { AuditLogQueries } from '../auditLog/resolvers.ts';
import { Contract, ContractMutations, ContractQueries } from '../entities/contract/resolvers.ts';
import { Decision, DecisionMutations, DecisionQueries } from '../entities/decision/resolvers.ts';
import { EntityLink, EntityLinkMutations, EntityLinkQueries } from '../entities/entityLink/resolvers.ts';
import { enumResolvers } from './enums.ts';
import * as foreignEntities from './foreignEntities.ts';
import { Grant, GrantMutations, GrantQueries } from '../entities/grant/resolvers.ts';
import { Meeting, MeetingMutations, MeetingQueries } from '../entities/meeting/resolvers.ts';
import { Node } from './Node.ts';
import { Organization, OrganizationMutations, OrganizationQueries } from '../entities/organization/resolvers.ts';
import { Person, PersonMutations, PersonQueries } from '../entities/person/resolvers.ts';
import { Project, ProjectMutations, ProjectQueries } from '../entities/project/resolvers.ts';
import { NodeQueries } from './Query.ts';
import { edgeTypes, RelationMutations } from '../relations/resolvers.ts';
import { withRelated } from '../relations/related.ts';
import { Trip, TripMutations, TripQueries } from '../entities/trip/resolvers.ts';

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
withRelated(resolvers as unknown as Parameters<typeof withRelated>[0]);
