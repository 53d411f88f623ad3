import { foreignEntityFields } from '../nodes.ts';
import type { UserResolvers } from '../__generated__/resolvers-types.ts';
import { edgesOf } from '../relations/resolvers.ts';

/**
 * Entities owned by identity, files and agents, to which core contributes fields (`links`, and for users
 * their meetings, projects, trips and actions). Their reference is the representation itself: core neither
 * knows nor checks their other fields — their owner does.
 */
const foreign = { ...foreignEntityFields, __resolveReference: (ref: { id: string }) => ref };

export const User: UserResolvers = {
  ...foreign,
  meetings: edgesOf('MeetingUser', 'right'),
  projects: edgesOf('ProjectUser', 'right'),
  trips: edgesOf('TripUser', 'right'),
  assignedActions: (user, _, ctx) => ctx.loaders.actionsByAssignee.load(user.id),
  createdActions: (user, _, ctx) => ctx.loaders.actionsByCreator.load(user.id),
};
export const Team = foreign;
export const BoxItem = foreign;
export const ProjectDocument = foreign;
export const KbChunk = foreign;
export const AgentRun = foreign;
export const AgentStep = foreign;
export const AgentApproval = foreign;
export const KnowledgeFact = foreign;
export const KnowledgeInsight = foreign;
