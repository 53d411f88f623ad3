import { agentApprovalSpec } from './agentApproval/spec.ts';
import { agentRunSpec } from './agentRun/spec.ts';
import { agentStepSpec } from './agentStep/spec.ts';
import { knowledgeFactSpec } from './knowledgeFact/spec.ts';
import { knowledgeInsightSpec } from './knowledgeInsight/spec.ts';
import type { AgentsTypename } from './names.ts';

/** Each own entity type's spec, keyed by the names list (a name without a spec does not compile). */
export const AGENTS_SPECS = {
  AgentRun: agentRunSpec,
  AgentStep: agentStepSpec,
  AgentApproval: agentApprovalSpec,
  KnowledgeFact: knowledgeFactSpec,
  KnowledgeInsight: knowledgeInsightSpec,
} satisfies Record<AgentsTypename, unknown>;
