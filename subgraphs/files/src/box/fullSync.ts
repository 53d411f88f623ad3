import type { BoxClient } from 'box-node-sdk';
import { BoxApiError } from 'box-node-sdk/box';
import { logger } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import {
  deleteGroupsExcept,
  ensureAncestors,
  itemFromBox,
  markDeleted,
  replaceCollaborations,
  replaceMemberships,
  upsertGroups,
  upsertItems,
  upsertUsers,
  type MirrorTx,
} from './mirror.ts';
import { getItem, listCollaborations, listFolderPage, listGroupMembers, listGroups, type ItemAccess } from './reads.ts';
import type { BoxItemJson } from './boxJson.ts';
import { syncDocumentTexts } from './text.ts';

/**
 * A full sync: walks Box's tree from a folder (breadth first, marker paging) into the mirror, with every item's
 * collaborations, then the enterprise's groups and their members; at the end of a complete run, items under the
 * folder that Box no longer lists are marked deleted.
 *
 * Resumable: the walk lives in the database (box_sync_seen: the items seen, and for each folder its next marker or
 * that it is finished; box_sync_state: when the run started), and each batch of pages is applied in one transaction
 * together with that frontier, so a run killed at any point continues where it stopped when started again.
 */
export interface FullSyncOptions {
  /** Box folder to walk (default '0', everything). */
  folderId?: string;
  /** Items per page asked from Box (default 1000, Box's maximum). */
  pageSize?: number;
  /** Collaboration listings in flight at once (default 8). */
  concurrency?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** Stops the run after the page in progress (it resumes on the next run). */
  signal?: AbortSignal;
  /** Folders listed at once, applied in one transaction (default 8). */
  folderBatch?: number;
  /** Also mirror the enterprise's groups and members (default true). */
  groups?: boolean;
}

export interface SyncProgress {
  items: number;
  changes: number;
  elapsedMs: number;
}

export interface FullSyncResult extends SyncProgress {
  /** False when stopped by the signal before the end. */
  complete: boolean;
  deleted: number;
  resumed: boolean;
}

interface Frontier {
  folder: string;
  marker: string | null;
}

const log = logger.child({ component: 'box-sync' });

export const fullSyncKey = (folderId: string) => `full:${folderId}`;

export async function fullSync(db: FilesDb, client: BoxClient, options: FullSyncOptions = {}): Promise<FullSyncResult> {
  const root = options.folderId ?? '0';
  const key = fullSyncKey(root);
  const started = Date.now();
  const progress: SyncProgress = { items: 0, changes: 0, elapsedMs: 0 };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });

  const state = await db.boxSyncState.findUnique({ where: { key } });
  const resumed = Boolean(state?.startedAt && !state.finishedAt);
  if (!resumed) progress.changes += await beginRun(db, client, key, root);

  for (;;) {
    if (options.signal?.aborted) return { ...progress, elapsedMs: Date.now() - started, complete: false, deleted: 0, resumed };
    const frontier = await nextFrontier(db, key, options.folderBatch ?? 8);
    if (!frontier.length) break;
    const { items, changes } = await syncPages(db, client, key, frontier, options);
    progress.items += items;
    progress.changes += changes;
    report();
  }
  if (options.groups ?? true) progress.changes += await syncGroups(db, client);
  const deleted = await finishRun(db, key, root);
  progress.changes += deleted + (await syncDocumentTexts(db, client));
  report();
  const result = { ...progress, elapsedMs: Date.now() - started, complete: true, deleted, resumed };
  log.info(result, 'box full sync finished');
  return result;
}

/** A new run: forgets the previous one's walk, mirrors the root folder (and the folders above it). */
async function beginRun(db: FilesDb, client: BoxClient, key: string, root: string): Promise<number> {
  const found = await getItem(client, 'folder', root);
  if (found.state !== 'present') throw new Error(`Box folder ${root} does not exist or is not visible to this Box account`);
  const access = await listCollaborations(client, 'folder', root);
  return db.$transaction(async (tx) => {
    await tx.boxSyncSeen.deleteMany({ where: { syncKey: key } });
    const chain = found.item.path_collection?.entries ?? [];
    await ensureAncestors(
      tx,
      chain.map((entry) => ({ id: entry.id, name: entry.name ?? '' })),
    );
    const changes = await applyItems(tx, [found.item], [access]);
    await tx.boxSyncSeen.create({ data: { syncKey: key, boxItemId: root, isFolder: true } });
    const run = { startedAt: new Date(), finishedAt: null };
    await tx.boxSyncState.upsert({ where: { key }, create: { key, ...run }, update: run });
    return changes;
  });
}

/** The next folders to list (each from its stored marker): the walk's frontier, kept in box_sync_seen. */
async function nextFrontier(db: FilesDb, key: string, batch: number): Promise<Frontier[]> {
  const rows = await db.boxSyncSeen.findMany({
    where: { syncKey: key, isFolder: true, walked: false },
    orderBy: { boxItemId: 'asc' },
    take: batch,
  });
  return rows.map((row) => ({ folder: row.boxItemId, marker: row.marker }));
}

/**
 * Lists the next page of a few folders at once and applies them, with their items' collaborations and the new
 * frontier (each folder's next marker, or walked), in one transaction.
 */
async function syncPages(
  db: FilesDb,
  client: BoxClient,
  key: string,
  frontier: Frontier[],
  options: FullSyncOptions,
): Promise<{ items: number; changes: number }> {
  const concurrency = options.concurrency ?? 8;
  const pages = await mapLimit(frontier, concurrency, (f) =>
    listFolderPage(client, f.folder, f.marker, options.pageSize ?? 1000).catch((error: unknown) => {
      // A folder deleted while the walk runs: nothing to list; the end of the run marks what is gone.
      if (isNotFound(error)) return { items: [], nextMarker: null };
      throw error;
    }),
  );
  const items = pages.flatMap((page) => page.items);
  const access = await mapLimit(items, concurrency, (item) => listCollaborations(client, item.type, item.id));
  const changes = await db.$transaction(async (tx) => {
    const applied = await applyItems(tx, items, access);
    await tx.boxSyncSeen.createMany({
      data: items.map((item) => ({ syncKey: key, boxItemId: item.id, isFolder: item.type === 'folder' })),
      skipDuplicates: true,
    });
    await tx.$executeRaw`
      UPDATE files.box_sync_seen s SET marker = f.marker, walked = f.marker IS NULL
        FROM jsonb_to_recordset(${JSON.stringify(frontier.map((f, i) => ({ folder: f.folder, marker: pages[i]?.nextMarker ?? null })))}::jsonb)
             AS f(folder text, marker text)
       WHERE s.sync_key = ${key} AND s.box_item_id = f.folder`;
    return applied;
  });
  return { items: items.length, changes };
}

/** Items with their collaborations, and the users (owners, collaborators) and groups they name. */
async function applyItems(tx: MirrorTx, items: BoxItemJson[], access: ItemAccess[]): Promise<number> {
  const owners = items.flatMap((item) =>
    item.owned_by ? [{ id: item.owned_by.id, name: item.owned_by.name ?? '', login: item.owned_by.login ?? null }] : [],
  );
  let changes = await upsertItems(tx, items.map(itemFromBox));
  changes += await upsertUsers(tx, [...owners, ...access.flatMap((a) => a.users)]);
  changes += await upsertGroups(
    tx,
    access.flatMap((a) => a.groups),
  );
  changes += await replaceCollaborations(
    tx,
    items.map((item) => item.id),
    access.flatMap((a) => a.collaborations),
  );
  return changes;
}

/** The enterprise's groups and their members, exactly; groups Box no longer lists are removed with their members. */
export async function syncGroups(db: FilesDb, client: BoxClient): Promise<number> {
  const groups = await listGroups(client);
  const members = await mapLimit(groups, 8, (group) => listGroupMembers(client, group.id));
  return db.$transaction(async (tx) => {
    let changes = await upsertGroups(tx, groups);
    const listed = members.flatMap((m) => (m ? [m] : []));
    changes += await upsertUsers(
      tx,
      listed.flatMap((m) => m.users),
    );
    changes += await replaceMemberships(
      tx,
      groups.map((g) => g.id),
      listed.flatMap((m) => m.memberships),
    );
    changes += await deleteGroupsExcept(
      tx,
      groups.map((g) => g.id),
    );
    return changes;
  });
}

/** The end of a complete run: what Box no longer lists under the root is deleted (trashed items stay trashed). */
async function finishRun(db: FilesDb, key: string, root: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const gone = await tx.$queryRaw<{ id: string }[]>`
      SELECT c.item_box_id AS id FROM files.box_item_ancestors c
        JOIN files.box_items i ON i.box_item_id = c.item_box_id
       WHERE c.ancestor_box_id = ${root} AND i.item_status = 'active'
         AND NOT EXISTS (SELECT 1 FROM files.box_sync_seen s WHERE s.sync_key = ${key} AND s.box_item_id = c.item_box_id)`;
    const deleted = await markDeleted(
      tx,
      gone.map((g) => g.id),
    );
    await tx.boxSyncSeen.deleteMany({ where: { syncKey: key } });
    await tx.boxSyncState.update({ where: { key }, data: { finishedAt: new Date() } });
    return deleted;
  });
}

function isNotFound(error: unknown): boolean {
  return error instanceof BoxApiError && error.responseInfo.statusCode === 404;
}

/** Maps with at most `limit` calls in flight, keeping the order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index];
      if (item !== undefined) results[index] = await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
