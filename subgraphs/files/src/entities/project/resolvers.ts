import { schemaModule } from '@wrk/platform';
import type { ProjectResolvers, Resolvers } from '../../__generated__/resolvers-types.ts';

/**
 * Core's projects, to which files contributes `documents`. The reference is the representation itself: files
 * does not know the project's other fields, but its documents are listed only when core shows the project to
 * the caller (and each passes the Box rule) — see loaders.ts.
 */
export const Project: ProjectResolvers = {
  documents: (project, _, ctx) => ctx.loaders.documentsByProject.load(project.id),
  __resolveReference: (ref) => ref,
};

/** The entity's module: its schema fragment and its resolvers. */
export const projectModule = schemaModule(new URL('./project.graphql', import.meta.url), { Project } satisfies Resolvers);
