import { mergeModuleResolvers, scalarResolvers, schemaModule, subgraphModules } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { AuditLogQueries } from '../auditLog/resolvers.ts';
import { ENTITY_MODULES } from '../entities/index.ts';
import { relatedResolvers } from '../relations/related.ts';
import { edgeTypes, RelationMutations } from '../relations/resolvers.ts';
import { enumResolvers } from './enums.ts';
import * as foreignEntities from './foreignEntities.ts';
import { Node } from './Node.ts';
import { NodeQueries } from './Query.ts';

const root = new URL('../../', import.meta.url);

/** The header's resolvers: scalars, enums, node routing, and the fields core adds to other subgraphs' types. */
const header: Resolvers = { ...scalarResolvers, ...enumResolvers, ...foreignEntities, Node, Query: NodeQueries };

/** Pivot edges, addRelation/removeRelation, and `related`, which reuses the entities' reference resolvers. */
const relations: Resolvers = {
  ...edgeTypes,
  ...relatedResolvers(mergeModuleResolvers(ENTITY_MODULES)),
  Mutation: RelationMutations,
};

/** Core's modules: the header's, each entity's, and the shared ones (relations, audit log). */
export const modules = subgraphModules(root, [
  schemaModule(new URL('schema.graphql', root), header),
  ...ENTITY_MODULES,
  schemaModule(new URL('src/relations/relations.graphql', root), relations),
  schemaModule(new URL('src/auditLog/auditLog.graphql', root), { Query: AuditLogQueries } satisfies Resolvers),
]);
