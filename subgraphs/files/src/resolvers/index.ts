import { scalarResolvers } from '@wrk/platform';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { BoxItem, BoxItemMutations, BoxItemQueries } from './BoxItem.ts';
import { BoxWebhookEvent, BoxWebhookEventQueries } from './BoxWebhookEvent.ts';
import { enumResolvers } from './enums.ts';
import { KbChunk, KbChunkMutations, KbChunkQueries } from './KbChunk.ts';
import { Project } from './Project.ts';
import { ProjectDocument, ProjectDocumentMutations, ProjectDocumentQueries } from './ProjectDocument.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...enumResolvers,
  Query: {
    ...BoxItemQueries,
    ...ProjectDocumentQueries,
    ...KbChunkQueries,
    ...BoxWebhookEventQueries,
  },
  Mutation: {
    ...BoxItemMutations,
    ...ProjectDocumentMutations,
    ...KbChunkMutations,
  },
  BoxItem,
  ProjectDocument,
  KbChunk,
  BoxWebhookEvent,
  Project,
};
