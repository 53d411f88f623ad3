import { createPrismaClient } from '@wrk/platform';
import { PrismaClient } from './__generated__/prisma/client.ts';

export type FilesDb = PrismaClient;

/**
 * The files slice's client. Its sessions scan without parallel workers and from the table's start
 * (synchronize_seqscans off): search's candidate cap keeps the first matches in physical order, which only such a
 * scan gives page after page (search.ts, rankCandidates). Set when a connection opens, they cost a search no
 * statement; the slice's other statements are small and gain nothing from parallel workers.
 */
export const FILES_SESSION_SETTINGS = { synchronize_seqscans: 'off', max_parallel_workers_per_gather: '0' } as const;

export const createFilesDb = (databaseUrl: string): FilesDb =>
  createPrismaClient(PrismaClient, databaseUrl, 'files', undefined, { sessionSettings: FILES_SESSION_SETTINGS });

export type { BoxItem, BoxWebhookEvent, ProjectDocument, KbChunk } from './__generated__/prisma/client.ts';
