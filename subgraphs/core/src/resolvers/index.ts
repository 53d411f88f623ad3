import { scalarResolvers } from '@wrk/platform';
import type { MutationResolvers, QueryResolvers, Resolvers } from '../__generated__/resolvers-types.ts';
import { AuditLogQueries } from '../auditLog/resolvers.ts';
import { ENTITY_RESOLVERS } from '../entities/index.ts';
import { withRelated } from '../relations/related.ts';
import { edgeTypes, RelationMutations } from '../relations/resolvers.ts';
import { enumResolvers } from './enums.ts';
import * as foreignEntities from './foreignEntities.ts';
import { Node } from './Node.ts';
import { NodeQueries } from './Query.ts';

const Query = [NodeQueries, ...ENTITY_RESOLVERS.map((module) => module.Query), AuditLogQueries].reduce<QueryResolvers>(
  (all, part) => ({ ...all, ...part }),
  {},
);
const Mutation = [...ENTITY_RESOLVERS.map((module) => module.Mutation), RelationMutations].reduce<MutationResolvers>(
  (all, part) => ({ ...all, ...part }),
  {},
);

/** Core's resolvers: the entities' modules, then the shared ones (node routing, relations, audit log, foreign types). */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...enumResolvers,
  ...foreignEntities,
  ...edgeTypes,
  ...ENTITY_RESOLVERS.reduce<Resolvers>((all, module) => ({ ...all, ...module }), {}),
  Query,
  Mutation,
  Node,
};

// `related` reuses the relationship resolvers above, so it is attached once they exist.
withRelated(resolvers);
