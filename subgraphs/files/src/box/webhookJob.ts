import type { BoxClient } from 'box-node-sdk';
import { logger } from '@wrk/platform';
import type { BoxWebhookEvent, FilesDb } from '../db.ts';
import { BOX_WEBHOOK_TASK, enqueueUnqueuedBoxWebhooks } from './webhookEvents.ts';
import { refreshItem } from './incrementalSync.ts';
import type { BoxItemKind } from './mirror.ts';

/** What processing needs from the Box sync: re-read one item (with its collaborations) from Box into the mirror. */
export interface BoxItemSync {
  refreshItem(type: BoxItemKind, boxId: string): Promise<unknown>;
}

/** The Box sync's per-item refresh (incrementalSync.ts) over a Box client: what the worker's jobs run in WRK. */
export const boxItemSync = (db: FilesDb, client: BoxClient): BoxItemSync => ({
  refreshItem: (type, boxId) => refreshItem(db, client, type, boxId),
});

/** What an event asks of the mirror. */
export type WebhookAction = { refresh: { type: BoxItemKind; id: string } } | { ignore: string };

/** graphile-worker task that enqueues the events no job carries yet (see enqueueUnqueuedBoxWebhooks). */
export const BOX_WEBHOOK_SWEEP_TASK = 'box:webhook-sweep';
/** graphile-worker crontab line: the sweep every minute. */
export const BOX_WEBHOOK_CRONTAB = `* * * * * ${BOX_WEBHOOK_SWEEP_TASK}`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const ITEM_TYPES: readonly string[] = ['file', 'folder', 'web_link'] satisfies BoxItemKind[];
const isItemType = (type: unknown): type is BoxItemKind => typeof type === 'string' && ITEM_TYPES.includes(type);

/** Triggers that change nothing the mirror holds (views, locks, comments, tasks, metadata, signatures). */
const IGNORED =
  /^(FILE\.(PREVIEWED|DOWNLOADED|LOCKED|UNLOCKED)|FOLDER\.DOWNLOADED|COMMENT\.|TASK_ASSIGNMENT\.|METADATA_INSTANCE\.|SIGN_REQUEST\.|WEBHOOK\.)/;

function itemOf(value: unknown): { type: BoxItemKind; id: string } | undefined {
  if (!isRecord(value) || !isItemType(value.type) || typeof value.id !== 'string') return undefined;
  return { type: value.type, id: value.id };
}

/**
 * Maps an event to what must be re-read from Box. Files, folders and web links are re-read themselves (a move,
 * trash, restore, rename, copy or shared-link change shows in the item's current state, so deliveries may come
 * twice or out of order); a collaboration event re-reads the item the collaboration is on. Anything else
 * re-read would change nothing.
 */
export function webhookAction(event: Pick<BoxWebhookEvent, 'trigger' | 'payload'>): WebhookAction {
  if (IGNORED.test(event.trigger)) return { ignore: `${event.trigger} changes nothing mirrored` };
  const source = isRecord(event.payload) ? event.payload.source : undefined;
  const item = isRecord(source) && source.type === 'collaboration' ? itemOf(source.item) : itemOf(source);
  return item ? { refresh: item } : { ignore: `${event.trigger} names no file, folder or web link` };
}

/** Applies one stored event to the mirror through the sync (boxItemSync in WRK). */
export async function applyBoxWebhook(event: Pick<BoxWebhookEvent, 'trigger' | 'payload' | 'boxEventId'>, sync: BoxItemSync) {
  const action = webhookAction(event);
  if ('refresh' in action) await sync.refreshItem(action.refresh.type, action.refresh.id);
  else logger.debug({ boxEventId: event.boxEventId, reason: action.ignore }, 'Box webhook event ignored');
  return action;
}

/**
 * The job of one event: applies it, then notes processed_at (or the error, and throws so that the queue retries
 * with backoff). Applying is a re-read of current state, so a second run is harmless; a processed event is skipped.
 */
export async function processBoxWebhook(db: FilesDb, sync: BoxItemSync, boxEventId: string): Promise<void> {
  const event = await db.boxWebhookEvent.findUnique({ where: { boxEventId } });
  if (!event || event.processedAt) return;
  try {
    await applyBoxWebhook(event, sync);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await db.boxWebhookEvent.update({ where: { id: event.id }, data: { processingError: message } });
    throw error;
  }
  await db.boxWebhookEvent.update({ where: { id: event.id }, data: { processedAt: new Date(), processingError: null } });
}

/** The worker's tasks for Box webhooks (register them with startWorker's `tasks`, and BOX_WEBHOOK_CRONTAB). */
export function boxWebhookTasks(db: FilesDb, sync: BoxItemSync): Record<string, (payload: unknown) => Promise<void>> {
  return {
    [BOX_WEBHOOK_TASK]: async (payload) => {
      if (!isRecord(payload) || typeof payload.boxEventId !== 'string') throw new Error('box:webhook needs { boxEventId }');
      await processBoxWebhook(db, sync, payload.boxEventId);
    },
    [BOX_WEBHOOK_SWEEP_TASK]: async () => {
      await enqueueUnqueuedBoxWebhooks(db);
    },
  };
}
