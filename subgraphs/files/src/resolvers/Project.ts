import type { ProjectResolvers } from '../__generated__/resolvers-types.ts';

/**
 * Core's projects, to which files contributes `documents`. The reference is the representation itself:
 * files does not know (nor check) the project's other fields.
 */
export const Project: ProjectResolvers = {
  documents: (project, _, ctx) => ctx.loaders.documentsByProject.load(project.id),
  __resolveReference: (ref) => ref,
};
