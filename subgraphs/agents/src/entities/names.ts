/**
 * The agents subgraph's entities as plain names, read by codegen.ts (so no generated code is imported here):
 * `owned` have a folder each in entities/ and a Prisma model whose row their resolvers receive (all are listed
 * through a connection); `enums` are the Prisma enums the schema exposes. Node routing and loaders are keyed by
 * `owned` too.
 */
export const AGENTS_ENTITIES = {
  owned: ['AgentRun', 'AgentStep', 'AgentApproval', 'KnowledgeFact', 'KnowledgeInsight'],
  listed: ['AgentRun', 'AgentStep', 'AgentApproval', 'KnowledgeFact', 'KnowledgeInsight'],
  enums: ['AgentRunStatus', 'AgentStepStatus', 'ApprovalStatus', 'FactStatus', 'ReviewState'],
  referenced: [],
  /** The prefix of each entity type's external IDs (`usr_…`), which names its type and owner (catalog/). */
  prefixes: { AgentRun: 'run', AgentStep: 'stp', AgentApproval: 'apr', KnowledgeFact: 'fct', KnowledgeInsight: 'ins' },
  /** Types that entity links may not point at or from (all others may). */
  unlinkable: [],
} as const;

export type AgentsTypename = (typeof AGENTS_ENTITIES.owned)[number];
