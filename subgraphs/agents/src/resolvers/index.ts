import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { AgentApproval, AgentApprovalMutations, AgentApprovalQueries } from './AgentApproval.ts';
import { AgentRun, AgentRunMutations, AgentRunQueries } from './AgentRun.ts';
import { AgentStep, AgentStepMutations, AgentStepQueries } from './AgentStep.ts';
import { enumResolvers } from './enums.ts';
import { KnowledgeFact, KnowledgeFactMutations, KnowledgeFactQueries } from './KnowledgeFact.ts';
import { KnowledgeInsight, KnowledgeInsightMutations, KnowledgeInsightQueries } from './KnowledgeInsight.ts';
import { Node } from './Node.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...enumResolvers,
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
