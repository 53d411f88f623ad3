import { foreignEntityFields } from '../nodes.ts';

/**
 * Entities owned by identity, files and agents, to which core contributes `links`. Their reference is the
 * representation itself: core does not know (nor check) their other fields.
 */
const foreign = { ...foreignEntityFields, __resolveReference: (ref: { id: string }) => ref };

export const User = foreign;
export const Team = foreign;
export const BoxItem = foreign;
export const ProjectDocument = foreign;
export const KbChunk = foreign;
export const AgentRun = foreign;
export const AgentStep = foreign;
export const AgentApproval = foreign;
export const KnowledgeFact = foreign;
export const KnowledgeInsight = foreign;
