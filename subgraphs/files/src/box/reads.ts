import type { BoxClient } from 'box-node-sdk';
import { BoxApiError } from 'box-node-sdk/box';
import { z } from 'zod';
import { logger } from '@wrk/platform';
import {
  boxCollaborationJson,
  boxCollaborationsPageJson,
  boxEventJson,
  boxEventsPageJson,
  boxGroupJson,
  boxItemJson,
  boxItemsPageJson,
  boxMembershipJson,
  boxOffsetPageJson,
  parseEntries,
  type BoxEventJson,
  type BoxItemJson,
} from './boxJson.ts';
import {
  collaborationFromBox,
  type BoxItemKind,
  type MirrorCollaboration,
  type MirrorGroup,
  type MirrorMembership,
  type MirrorUser,
} from './mirror.ts';

/** What the sync reads from Box, parsed from the API's own JSON (the SDK's rawData). */
const log = logger.child({ component: 'box-sync' });

/** The fields the mirror keeps; asked for explicitly, since a listing otherwise returns mini objects. */
export const ITEM_FIELDS = [
  'id',
  'type',
  'name',
  'parent',
  'modified_at',
  'etag',
  'sequence_id',
  'item_status',
  'size',
  'shared_link',
  'owned_by',
  'trashed_at',
];
/** One item read alone also names the folders above it (so that it can be placed before they are mirrored). */
const ONE_ITEM_FIELDS = [...ITEM_FIELDS, 'path_collection'];

function parsed<T>(what: string, schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data);
  if (!result.success) throw new Error(`Box sent an unexpected ${what}: ${result.error.message.split('\n')[0]}`);
  return result.data;
}

function dropped(what: string, failed: number) {
  if (failed) log.warn({ failed }, `Box sent ${failed} ${what} the mirror cannot read; skipped`);
}

export interface FolderPage {
  items: BoxItemJson[];
  nextMarker: string | null;
}

export async function listFolderPage(client: BoxClient, folderId: string, marker: string | null, limit: number): Promise<FolderPage> {
  const page = await client.folders.getFolderItems(folderId, {
    queryParams: { fields: ITEM_FIELDS, usemarker: true, marker: marker ?? undefined, limit },
  });
  const body = parsed('folder listing', boxItemsPageJson, page.rawData);
  const { ok, failed } = parseEntries(boxItemJson, body.entries);
  dropped('items', failed);
  return { items: ok, nextMarker: body.next_marker || null };
}

export type ItemState = { state: 'present'; item: BoxItemJson } | { state: 'trashed' } | { state: 'deleted' };

/** An item as Box has it now: present, in the trash, or gone (Box answers 404 `trashed` or `not_found`). */
export async function getItem(client: BoxClient, type: BoxItemKind, id: string): Promise<ItemState> {
  const queryParams = { fields: ONE_ITEM_FIELDS };
  try {
    const raw =
      type === 'file'
        ? (await client.files.getFileById(id, { queryParams })).rawData
        : type === 'folder'
          ? (await client.folders.getFolderById(id, { queryParams })).rawData
          : (await client.webLinks.getWebLinkById(id)).rawData;
    return { state: 'present', item: parsed('item', boxItemJson, raw) };
  } catch (error) {
    if (error instanceof BoxApiError && error.responseInfo.statusCode === 404)
      return errorCode(error) === 'trashed' ? { state: 'trashed' } : { state: 'deleted' };
    throw error;
  }
}

const errorBody = z.object({ code: z.string() });

/** Box's error code from the body (the SDK's `responseInfo.code` holds it JSON-encoded, quotes included). */
export function errorCode(error: BoxApiError): string | null {
  const body = errorBody.safeParse(error.responseInfo.body);
  return body.success ? body.data.code : null;
}

export interface ItemAccess {
  collaborations: MirrorCollaboration[];
  users: MirrorUser[];
  groups: MirrorGroup[];
}

/** The direct collaborations of a file or folder (all pages), with the users and groups they name. Web links have none. */
export async function listCollaborations(client: BoxClient, type: BoxItemKind, id: string): Promise<ItemAccess> {
  const access: ItemAccess = { collaborations: [], users: [], groups: [] };
  if (type === 'web_link') return access;
  let marker: string | undefined;
  do {
    const queryParams = { limit: 1000, marker };
    let page;
    try {
      page =
        type === 'file'
          ? await client.listCollaborations.getFileCollaborations(id, { queryParams })
          : await client.listCollaborations.getFolderCollaborations(id, { queryParams });
    } catch (error) {
      if (error instanceof BoxApiError && error.responseInfo.statusCode === 404) return access; // gone meanwhile
      throw error;
    }
    const body = parsed('collaboration listing', boxCollaborationsPageJson, page.rawData);
    const { ok, failed } = parseEntries(boxCollaborationJson, body.entries);
    dropped('collaborations', failed);
    for (const json of ok) {
      const collaboration = collaborationFromBox(json, id);
      if (!collaboration) continue;
      access.collaborations.push(collaboration);
      const by = json.accessible_by;
      if (by?.type === 'user') access.users.push({ id: by.id, name: by.name ?? '', login: by.login ?? null });
      if (by?.type === 'group') access.groups.push({ id: by.id, name: by.name ?? '' });
    }
    marker = body.next_marker || undefined;
  } while (marker);
  return access;
}

/** Every group of the enterprise (offset paging). */
export async function listGroups(client: BoxClient): Promise<MirrorGroup[]> {
  const groups: MirrorGroup[] = [];
  for (let offset = 0; ;) {
    const page = await client.groups.getGroups({ limit: 1000, offset });
    const body = parsed('group listing', boxOffsetPageJson, page.rawData);
    const { ok, failed } = parseEntries(boxGroupJson, body.entries);
    dropped('groups', failed);
    groups.push(...ok.map((g) => ({ id: g.id, name: g.name ?? '' })));
    offset += body.entries.length;
    if (!body.entries.length || (body.total_count != null && offset >= body.total_count)) return groups;
  }
}

export interface GroupMembers {
  memberships: MirrorMembership[];
  users: MirrorUser[];
}

/** A group's members (offset paging); null when the group no longer exists. */
export async function listGroupMembers(client: BoxClient, groupId: string): Promise<GroupMembers | null> {
  const members: GroupMembers = { memberships: [], users: [] };
  for (let offset = 0; ;) {
    let page;
    try {
      page = await client.memberships.getGroupMemberships(groupId, { queryParams: { limit: 1000, offset } });
    } catch (error) {
      if (error instanceof BoxApiError && error.responseInfo.statusCode === 404) return null;
      throw error;
    }
    const body = parsed('membership listing', boxOffsetPageJson, page.rawData);
    const { ok, failed } = parseEntries(boxMembershipJson, body.entries);
    dropped('memberships', failed);
    for (const m of ok) {
      members.memberships.push({ id: m.id ?? null, groupId, userId: m.user.id, role: m.role ?? 'member' });
      members.users.push({ id: m.user.id, name: m.user.name ?? '', login: m.user.login ?? null });
    }
    offset += body.entries.length;
    if (!body.entries.length || (body.total_count != null && offset >= body.total_count)) return members;
  }
}

export interface EventsPage {
  events: BoxEventJson[];
  nextPosition: string | null;
}

export async function readEvents(client: BoxClient, streamType: EventStreamType, position: string, limit = 500): Promise<EventsPage> {
  const page = await client.events.getEvents({ streamType, streamPosition: position, limit });
  const body = parsed('events page', boxEventsPageJson, page.rawData);
  const { ok, failed } = parseEntries(boxEventJson, body.entries ?? []);
  dropped('events', failed);
  return { events: ok, nextPosition: body.next_stream_position == null ? null : String(body.next_stream_position) };
}

export type EventStreamType = 'all' | 'changes' | 'sync' | 'admin_logs' | 'admin_logs_streaming';
