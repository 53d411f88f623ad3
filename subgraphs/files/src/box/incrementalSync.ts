import type { BoxClient } from 'box-node-sdk';
import { logger } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import type { BoxEventJson } from './boxJson.ts';
import { syncDocumentTexts } from './text.ts';
import { fullSync, mapLimit } from './fullSync.ts';
import {
  deleteGroup,
  ensureAncestors,
  itemFromBox,
  markDeleted,
  markTrashed,
  replaceCollaborations,
  replaceMemberships,
  upsertGroups,
  upsertItems,
  upsertUsers,
  type BoxItemKind,
} from './mirror.ts';
import {
  getItem,
  listCollaborations,
  listGroupMembers,
  readEvents,
  type EventStreamType,
  type ItemAccess,
  type ItemState,
} from './reads.ts';

/**
 * Incremental sync: follows Box's event stream from the stored position. An event says *that* something changed;
 * what it changed to is read from Box (the item, its collaborations, the group's members), so an event applied
 * twice or late applies the current state, which the mirror writes only when it differs (and never over a newer
 * sequence id). Within a page each item, collaboration set and group is refreshed once, whatever the number of
 * events naming it (duplicates are deduplicated on event_id first).
 */
export interface IncrementalSyncOptions {
  /** Default BOX_EVENTS_STREAM, else `admin_logs_streaming` (the whole enterprise; group events too). */
  streamType?: EventStreamType;
  /** Stops after this many pages (default: until the stream has nothing more). */
  maxPages?: number;
  signal?: AbortSignal;
}

export interface IncrementalSyncResult {
  events: number;
  duplicates: number;
  refreshed: number;
  changes: number;
  position: string;
}

const log = logger.child({ component: 'box-sync' });

const ITEM_TYPES = new Set<string>(['file', 'folder', 'web_link']);
const isItemType = (type: unknown): type is BoxItemKind => typeof type === 'string' && ITEM_TYPES.has(type);

export function streamTypeFromEnv(): EventStreamType {
  const value = process.env.BOX_EVENTS_STREAM;
  const types: EventStreamType[] = ['all', 'changes', 'sync', 'admin_logs', 'admin_logs_streaming'];
  const found = types.find((t) => t === value);
  if (value && !found) throw new Error(`BOX_EVENTS_STREAM must be one of ${types.join(', ')}`);
  return found ?? 'admin_logs_streaming';
}

export const eventsKey = (streamType: EventStreamType) => `events:${streamType}`;

/**
 * Stores the stream's current position unless one is stored: called before a first full sync, so that what
 * changes during the walk is applied afterwards by the incremental sync.
 */
export async function anchorEvents(db: FilesDb, client: BoxClient, streamType: EventStreamType = streamTypeFromEnv()): Promise<void> {
  const key = eventsKey(streamType);
  if ((await db.boxSyncState.findUnique({ where: { key } }))?.streamPosition) return;
  const { nextPosition } = await readEvents(client, streamType, 'now', 1);
  if (!nextPosition) throw new Error('Box gave no stream position for "now"');
  await db.boxSyncState.upsert({ where: { key }, create: { key, streamPosition: nextPosition }, update: { streamPosition: nextPosition } });
}

export async function incrementalSync(
  db: FilesDb,
  client: BoxClient,
  options: IncrementalSyncOptions = {},
): Promise<IncrementalSyncResult> {
  const streamType = options.streamType ?? streamTypeFromEnv();
  const key = eventsKey(streamType);
  await anchorEvents(db, client, streamType);
  const state = await db.boxSyncState.findUnique({ where: { key } });
  const result: IncrementalSyncResult = { events: 0, duplicates: 0, refreshed: 0, changes: 0, position: state?.streamPosition ?? 'now' };
  const seen = new Set<string>();
  for (let pages = 0; !options.maxPages || pages < options.maxPages; pages++) {
    if (options.signal?.aborted) break;
    const page = await readEvents(client, streamType, result.position);
    const fresh = page.events.filter((event) => !seen.has(event.event_id) && seen.add(event.event_id));
    result.events += fresh.length;
    result.duplicates += page.events.length - fresh.length;
    const targets = await targetsOf(db, fresh);
    result.refreshed += targets.items.size + targets.groups.size;
    result.changes += await applyTargets(db, client, targets);
    if (targets.items.size)
      result.changes += await syncDocumentTexts(
        db,
        client,
        [...targets.items.values()].map((t) => t.id),
      );
    const moved = page.nextPosition && page.nextPosition !== result.position;
    if (page.nextPosition) result.position = page.nextPosition;
    await db.boxSyncState.update({ where: { key }, data: { streamPosition: result.position, finishedAt: new Date() } });
    if (!page.events.length || !moved) break;
  }
  if (result.events) log.info(result, 'box events applied');
  return result;
}

interface Targets {
  /** `type:id` → the item and when the newest event about it happened. */
  items: Map<string, { type: BoxItemKind; id: string; at: Date }>;
  groups: Set<string>;
}

const text = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);
const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : null;

/** What the events of a page name: items (whose state and collaborations are re-read) and groups (whose members are). */
async function targetsOf(db: FilesDb, events: BoxEventJson[]): Promise<Targets> {
  const targets: Targets = { items: new Map(), groups: new Set() };
  const addItem = (type: unknown, id: unknown, at: Date) => {
    const boxId = text(id);
    if (isItemType(type) && boxId) targets.items.set(`${type}:${boxId}`, { type, id: boxId, at });
  };
  for (const event of events) {
    const at = event.created_at ? new Date(event.created_at) : new Date();
    const source = event.source ?? {};
    const details = event.additional_details ?? {};
    if (isItemType(source.type)) addItem(source.type, source.id, at);
    else if (source.item_type)
      addItem(source.item_type, source.item_id, at); // admin events' item source
    else if (source.type === 'collaboration') {
      const item = record(source.item);
      if (item) addItem(item.type, item.id, at);
      else {
        const known = await db.boxCollaboration.findUnique({ where: { boxCollaborationId: text(source.id) ?? '' } });
        if (known) targets.items.set(`collab:${known.boxItemId}`, { type: 'folder', id: known.boxItemId, at });
      }
    } else if (source.type === 'group') {
      const id = text(source.id);
      if (id) targets.groups.add(id);
    }
    const group = text(details.group_id) ?? text(record(details.group)?.id);
    if (group) targets.groups.add(group);
  }
  // A collaboration known only by its stored row names an item whose type the row does not keep: ask the mirror.
  for (const [key, target] of targets.items) {
    if (!key.startsWith('collab:')) continue;
    targets.items.delete(key);
    const row = await db.boxItem.findUnique({ where: { boxItemId: target.id } });
    if (row) addItem(row.boxItemType, row.boxItemId, target.at);
  }
  return targets;
}

async function applyTargets(db: FilesDb, client: BoxClient, targets: Targets): Promise<number> {
  const items = [...targets.items.values()];
  const fetched = await mapLimit(items, 8, (target) => fetchItem(client, target.type, target.id));
  let changes = 0;
  for (const [index, target] of items.entries()) {
    const state = fetched[index];
    if (state) changes += await applyItem(db, client, target.type, target.id, state, target.at);
  }
  for (const group of targets.groups) changes += await refreshGroup(db, client, group);
  return changes;
}

interface FetchedItem {
  state: ItemState;
  access: ItemAccess | null;
}

async function fetchItem(client: BoxClient, type: BoxItemKind, id: string): Promise<FetchedItem> {
  const state = await getItem(client, type, id);
  const access = state.state === 'present' ? await listCollaborations(client, type, id) : null;
  return { state, access };
}

async function applyItem(db: FilesDb, client: BoxClient, type: BoxItemKind, id: string, fetched: FetchedItem, at: Date): Promise<number> {
  const { state, access } = fetched;
  if (state.state === 'trashed') return db.$transaction((tx) => markTrashed(tx, id, at));
  if (state.state === 'deleted') return db.$transaction((tx) => markDeleted(tx, [id]));
  const before = await db.boxItem.findUnique({ where: { boxItemId: id } });
  const changes = await db.$transaction(async (tx) => {
    const chain = state.item.path_collection?.entries ?? [];
    await ensureAncestors(
      tx,
      chain.map((entry) => ({ id: entry.id, name: entry.name ?? '' })),
    );
    const owner = state.item.owned_by;
    let count = await upsertItems(tx, [itemFromBox(state.item)]);
    if (owner) count += await upsertUsers(tx, [{ id: owner.id, name: owner.name ?? '', login: owner.login ?? null }]);
    if (access) {
      count += await upsertUsers(tx, access.users);
      count += await upsertGroups(tx, access.groups);
      count += await replaceCollaborations(tx, [id], access.collaborations);
    }
    return count;
  });
  // A folder back from the trash comes back with its content: walk it, which also marks what was purged meanwhile.
  const restored = type === 'folder' && before && before.itemStatus !== 'active' && state.item.item_status !== 'trashed';
  if (restored) return changes + (await fullSync(db, client, { folderId: id, groups: false })).changes;
  return changes;
}

/** Re-reads one item from Box and mirrors it (state, place in the tree, collaborations): the webhook processor's entry. */
export async function refreshItem(db: FilesDb, client: BoxClient, type: BoxItemKind, id: string): Promise<number> {
  const changes = await applyItem(db, client, type, id, await fetchItem(client, type, id), new Date());
  return changes + (await syncDocumentTexts(db, client, [id]));
}

/** Re-reads a group's members from Box and mirrors them exactly (a group gone from Box is removed). */
export async function refreshGroup(db: FilesDb, client: BoxClient, groupId: string): Promise<number> {
  const members = await listGroupMembers(client, groupId);
  if (!members) return db.$transaction((tx) => deleteGroup(tx, groupId));
  const known = await db.boxGroup.findUnique({ where: { boxGroupId: groupId } });
  const name = known?.name ?? (await client.groups.getGroupById(groupId)).name ?? '';
  return db.$transaction(async (tx) => {
    let count = await upsertGroups(tx, [{ id: groupId, name }]);
    count += await upsertUsers(tx, members.users);
    count += await replaceMemberships(tx, [groupId], members.memberships);
    return count;
  });
}
