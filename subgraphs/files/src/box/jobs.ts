import type { BoxClient } from 'box-node-sdk';
import type { Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { FilesDb } from '../db.ts';
import { fullSync } from './fullSync.ts';
import { anchorEvents, incrementalSync } from './incrementalSync.ts';

/**
 * The Box sync as jobs on the worker's queue (graphile-worker). Both run in the one `box` queue, so a full sync
 * and an events pass never run at once. `box:sync-events` schedules its next run itself (a job key keeps one
 * pending), every BOX_SYNC_INTERVAL seconds.
 */
export const BOX_SYNC_FULL = 'box:sync-full';
export const BOX_SYNC_EVENTS = 'box:sync-events';
export const BOX_QUEUE = 'box';

export function syncIntervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.BOX_SYNC_INTERVAL ?? 60);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('BOX_SYNC_INTERVAL must be a positive number of seconds');
  return seconds;
}

const fullPayload = z.object({ folderId: z.string().regex(/^\d+$/).optional() }).catch({});

export function boxTasks(db: FilesDb, client: BoxClient, intervalSeconds = syncIntervalSeconds()): TaskList {
  const full: Task = async (payload, helpers) => {
    const { folderId } = fullPayload.parse(payload);
    await anchorEvents(db, client); // what changes during the walk is applied by the events job after it
    const result = await fullSync(db, client, { folderId, signal: helpers.abortSignal });
    // Stopped by the worker's shutdown: the walk is saved, the next run resumes it.
    if (!result.complete) await helpers.addJob(BOX_SYNC_FULL, { folderId }, { queueName: BOX_QUEUE });
  };
  const events: Task = async (_payload, helpers) => {
    try {
      await incrementalSync(db, client, { signal: helpers.abortSignal });
    } finally {
      await helpers.addJob(
        BOX_SYNC_EVENTS,
        {},
        { queueName: BOX_QUEUE, jobKey: BOX_SYNC_EVENTS, runAt: new Date(Date.now() + intervalSeconds * 1000) },
      );
    }
  };
  return { [BOX_SYNC_FULL]: full, [BOX_SYNC_EVENTS]: events };
}
