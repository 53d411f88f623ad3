import { createPrismaClient } from '@wrk/platform';
import { PrismaClient } from './__generated__/prisma/client.ts';

export type FilesDb = PrismaClient;

export const createFilesDb = (databaseUrl: string): FilesDb => createPrismaClient(PrismaClient, databaseUrl, 'files');

export type { BoxItem, BoxWebhookEvent, ProjectDocument, KbChunk } from './__generated__/prisma/client.ts';
