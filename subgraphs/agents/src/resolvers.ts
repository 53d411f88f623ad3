import { ENTITY_TYPES } from '@wrk/catalog';
import { scalarResolvers, schemaModule, subgraphModules, upperCaseEnums } from '@wrk/platform';
import type { NodeResolvers, Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { agentApprovalModule } from './entities/agentApproval/resolvers.ts';
import { agentRunModule } from './entities/agentRun/resolvers.ts';
import { agentStepModule } from './entities/agentStep/resolvers.ts';
import { knowledgeFactModule } from './entities/knowledgeFact/resolvers.ts';
import { knowledgeInsightModule } from './entities/knowledgeInsight/resolvers.ts';
import { AGENTS_ENTITIES } from './entities/names.ts';

type NodeType = NonNullable<Awaited<ReturnType<NodeResolvers['__resolveType']>>>;

/** Every entity type of the catalogue implements Node. */
const isNodeType = (name: unknown): name is NodeType => typeof name === 'string' && ENTITY_TYPES.some((type) => type.typename === name);

const Node: NodeResolvers = {
  // Rows and references reach here tagged with their type (nodes.ts).
  __resolveType: (node) => {
    const typename = '__typename' in node ? node.__typename : undefined;
    return isNodeType(typename) ? typename : null;
  },
};

/** The header's resolvers: scalars, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values, Node. */
const header: Resolvers = {
  ...scalarResolvers,
  ...upperCaseEnums(AGENTS_ENTITIES.enums, storedEnums),
  Node,
};

/** The subgraph's modules: the header's, then each entity folder's (checked against the schema files on disk). */
export const modules = subgraphModules(new URL('../', import.meta.url), [
  schemaModule(new URL('../schema.graphql', import.meta.url), header),
  agentApprovalModule,
  agentRunModule,
  agentStepModule,
  knowledgeFactModule,
  knowledgeInsightModule,
]);
