import { ENTITY_TYPES } from '@wrk/catalog';
import { scalarResolvers, upperCaseEnum } from '@wrk/platform';
import type { NodeResolvers, Resolvers } from './__generated__/resolvers-types.ts';
import * as storedEnums from './__generated__/prisma/enums.ts';
import { AgentApproval, AgentApprovalMutations, AgentApprovalQueries } from './entities/agentApproval/resolvers.ts';
import { AgentRun, AgentRunMutations, AgentRunQueries } from './entities/agentRun/resolvers.ts';
import { AgentStep, AgentStepMutations, AgentStepQueries } from './entities/agentStep/resolvers.ts';
import { KnowledgeFact, KnowledgeFactMutations, KnowledgeFactQueries } from './entities/knowledgeFact/resolvers.ts';
import { KnowledgeInsight, KnowledgeInsightMutations, KnowledgeInsightQueries } from './entities/knowledgeInsight/resolvers.ts';
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

/** The subgraph's resolvers: each entity folder's, GraphQL enum values (UPPER_CASE) ↔ the stored Prisma values. */
export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...Object.fromEntries(AGENTS_ENTITIES.enums.map((name) => [name, upperCaseEnum(storedEnums[name])])),
  Query: {
    ...AgentRunQueries,
    ...AgentStepQueries,
    ...AgentApprovalQueries,
    ...KnowledgeFactQueries,
    ...KnowledgeInsightQueries,
  },
  Mutation: {
    ...AgentRunMutations,
    ...AgentStepMutations,
    ...KnowledgeFactMutations,
    ...KnowledgeInsightMutations,
    ...AgentApprovalMutations,
  },
  Node,
  AgentRun,
  AgentStep,
  AgentApproval,
  KnowledgeFact,
  KnowledgeInsight,
};
