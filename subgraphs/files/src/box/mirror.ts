import { createHash } from 'node:crypto';
import type { Prisma } from '../__generated__/prisma/client.ts';
import type { BoxCollaborationJson, BoxItemJson } from './boxJson.ts';

/**
 * The one writer of the Box mirror (box_items and the tables around it). Every write is idempotent: a row is
 * written only when Box's state differs from the stored one, so mirroring the same state twice changes
 * nothing (no updated_at bump). An older state never overwrites a newer one: an item's sequence id decides (among
 * the sync's own writes: a row seeded or created in WRK before Box was synced takes Box's state whatever its numbers).
 *
 * Mirror writes record no audit_logs rows and no outbox events: they are not WRK writes by a WRK principal but a
 * replica of Box, whose own history is Box's event stream. Each row carries its provenance (actor and
 * source_system `box-sync`, synced_at = when Box's state last changed it).
 */
export type MirrorTx = Prisma.TransactionClient;

export const BOX_SYNC_ACTOR = 'box-sync';
export const BOX_SYNC_SOURCE = 'box-sync';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `box_` + 20 base36 chars of sha256(type:id): the same Box item always gets the same WRK ID. */
export function boxExternalId(type: string, boxId: string): string {
  const digest = createHash('sha256').update(`${type}:${boxId}`).digest();
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[(digest[i] ?? 0) % 36];
  return `box_${out}`;
}

export type BoxItemKind = 'file' | 'folder' | 'web_link';

export interface MirrorItem {
  boxId: string;
  type: BoxItemKind;
  name: string;
  parentId: string | null;
  modifiedAt: string | null;
  etag: string | null;
  sequenceId: string | null;
  itemStatus: string;
  sizeBytes: number | null;
  ownerId: string | null;
  sharedLink: Record<string, unknown> | null;
  trashedAt: string | null;
}

export function itemFromBox(json: BoxItemJson): MirrorItem {
  return {
    boxId: json.id,
    type: json.type,
    name: json.name ?? '',
    parentId: json.parent?.id ?? null,
    modifiedAt: json.modified_at,
    etag: json.etag,
    sequenceId: json.sequence_id,
    itemStatus: json.item_status ?? 'active',
    // A folder's size is an aggregate Box recomputes without a new sequence id: only files' sizes are mirrored.
    sizeBytes: json.type === 'file' ? (json.size ?? null) : null,
    ownerId: json.owned_by?.id ?? null,
    sharedLink: json.shared_link ?? null,
    trashedAt: json.trashed_at,
  };
}

export interface MirrorCollaboration {
  id: string;
  itemId: string;
  principalType: 'user' | 'group';
  principalId: string;
  role: string;
  status: 'accepted' | 'pending' | 'rejected';
  expiresAt: string | null;
  isAccessOnly: boolean;
}

/** A collaboration as mirrored, or null for one naming no principal (an invite to an e-mail without an account). */
export function collaborationFromBox(json: BoxCollaborationJson, itemId: string): MirrorCollaboration | null {
  if (!json.accessible_by) return null;
  return {
    id: json.id,
    itemId: json.item?.id ?? itemId,
    principalType: json.accessible_by.type,
    principalId: json.accessible_by.id,
    role: json.role,
    status: json.status,
    expiresAt: json.expires_at,
    isAccessOnly: json.is_access_only ?? false,
  };
}

export interface MirrorUser {
  id: string;
  name: string;
  login: string | null;
}
export interface MirrorGroup {
  id: string;
  name: string;
}
export interface MirrorMembership {
  id: string | null;
  groupId: string;
  userId: string;
  role: string;
}

const json = (value: unknown) => JSON.stringify(value);

/** Upserts items (newer or equal sequence id wins; identical state writes nothing), then their closure and paths. */
export async function upsertItems(tx: MirrorTx, items: MirrorItem[]): Promise<number> {
  if (!items.length) return 0;
  const ids = items.map((i) => i.boxId);
  // `placed`: the row is in the closure (a row written before the sync, by the seed or createBoxItem, is not).
  const before = await tx.$queryRaw<{ id: string; parent: string | null; name: string; type: string; placed: boolean }[]>`
    SELECT box_item_id AS id, parent_box_folder_id AS parent, name, box_item_type::text AS type,
           EXISTS (SELECT 1 FROM files.box_item_ancestors c WHERE c.item_box_id = b.box_item_id AND c.depth = 0) AS placed
      FROM files.box_items b WHERE box_item_id = ANY(${ids}::text[]) ORDER BY box_item_id FOR UPDATE`;
  const rows = items.map((i) => ({ ...i, externalId: boxExternalId(i.type, i.boxId) }));
  const changed = await tx.$queryRaw<{ id: string; parent: string | null; name: string; type: string }[]>`
    INSERT INTO files.box_items AS b (external_id, box_item_id, box_item_type, name, parent_box_folder_id, modified_at, etag,
        sequence_id, item_status, size_bytes, owner_box_user_id, shared_link, trashed_at, actor, source_system, synced_at, updated_at)
    SELECT r."externalId", r."boxId", r.type::files."BoxItemType", r.name, r."parentId", r."modifiedAt"::timestamptz, r.etag,
        r."sequenceId", r."itemStatus", r."sizeBytes"::bigint, r."ownerId", r."sharedLink", r."trashedAt"::timestamptz,
        ${BOX_SYNC_ACTOR}, ${BOX_SYNC_SOURCE}, now(), now()
      FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r("externalId" text, "boxId" text, type text, name text, "parentId" text,
        "modifiedAt" text, etag text, "sequenceId" text, "itemStatus" text, "sizeBytes" numeric, "ownerId" text, "sharedLink" jsonb,
        "trashedAt" text)
    ON CONFLICT (box_item_id) DO UPDATE SET
        box_item_type = EXCLUDED.box_item_type, name = EXCLUDED.name, parent_box_folder_id = EXCLUDED.parent_box_folder_id,
        modified_at = EXCLUDED.modified_at, etag = EXCLUDED.etag, sequence_id = EXCLUDED.sequence_id,
        item_status = EXCLUDED.item_status, size_bytes = EXCLUDED.size_bytes, owner_box_user_id = EXCLUDED.owner_box_user_id,
        shared_link = EXCLUDED.shared_link, trashed_at = EXCLUDED.trashed_at,
        actor = EXCLUDED.actor, source_system = EXCLUDED.source_system, synced_at = now(), updated_at = now()
      WHERE (b.source_system <> ${BOX_SYNC_SOURCE} OR b.sequence_id IS NULL OR EXCLUDED.sequence_id IS NULL OR b.sequence_id !~ '^[0-9]+$' OR EXCLUDED.sequence_id !~ '^[0-9]+$'
             OR EXCLUDED.sequence_id::numeric >= b.sequence_id::numeric)
        AND (b.box_item_type, b.name, b.parent_box_folder_id, b.modified_at, b.etag, b.sequence_id, b.item_status, b.size_bytes,
             b.owner_box_user_id, b.shared_link, b.trashed_at)
            IS DISTINCT FROM
            (EXCLUDED.box_item_type, EXCLUDED.name, EXCLUDED.parent_box_folder_id, EXCLUDED.modified_at, EXCLUDED.etag,
             EXCLUDED.sequence_id, EXCLUDED.item_status, EXCLUDED.size_bytes, EXCLUDED.owner_box_user_id, EXCLUDED.shared_link,
             EXCLUDED.trashed_at)
    RETURNING box_item_id AS id, parent_box_folder_id AS parent, name, box_item_type::text AS type`;
  if (!changed.length) return 0;
  const old = new Map(before.map((row) => [row.id, row]));
  const moved = changed.filter((row) => {
    const was = old.get(row.id);
    return !was || !was.placed || was.parent !== row.parent;
  });
  // New items have no subtree yet and go in together; an existing item moved takes its subtree, one at a time.
  const [fresh, movedExisting] = [moved.filter((row) => !old.has(row.id)), moved.filter((row) => old.has(row.id))];
  const renamedFolders = changed.filter((row) => row.type === 'folder' && old.has(row.id) && old.get(row.id)?.name !== row.name);
  const newFolders = changed.filter((row) => row.type === 'folder' && !old.has(row.id)).map((row) => row.id);
  await relocate(tx, fresh);
  for (const row of movedExisting) await relocate(tx, [row]);
  // Items already mirrored under a folder that arrives only now (events out of order) join its subtree.
  const orphans = newFolders.length
    ? await tx.$queryRaw<{ id: string; parent: string | null }[]>`
        SELECT box_item_id AS id, parent_box_folder_id AS parent FROM files.box_items
         WHERE parent_box_folder_id = ANY(${newFolders}::text[]) AND NOT (box_item_id = ANY(${ids}::text[]))`
    : [];
  await relocate(tx, orphans);
  await refreshPaths(tx, [...moved.map((r) => r.id), ...renamedFolders.map((r) => r.id), ...orphans.map((r) => r.id)]);
  return changed.length;
}

/**
 * Inserts only the items that are not mirrored yet (the ancestors an item's path_collection names, so that an
 * item seen before its folders still gets its closure and path); never overwrites.
 */
export async function ensureAncestors(tx: MirrorTx, chain: { id: string; name: string }[]): Promise<void> {
  const missing: MirrorItem[] = [];
  const known = await tx.$queryRaw<{ id: string }[]>`
    SELECT box_item_id AS id FROM files.box_items WHERE box_item_id = ANY(${chain.map((c) => c.id)}::text[])`;
  const knownIds = new Set(known.map((k) => k.id));
  chain.forEach((folder, index) => {
    if (knownIds.has(folder.id)) return;
    missing.push({
      boxId: folder.id,
      type: 'folder',
      name: folder.name,
      parentId: index === 0 ? null : (chain[index - 1]?.id ?? null),
      modifiedAt: null,
      etag: null,
      sequenceId: null,
      itemStatus: 'active',
      sizeBytes: null,
      ownerId: null,
      sharedLink: null,
      trashedAt: null,
    });
  });
  for (const item of missing) await upsertItems(tx, [item]); // root first: each finds its parent's closure
}

/**
 * Moves items under their (new) parents in the closure, subtrees included, set-based: the subtree's rows to its
 * old ancestors go, rows to the new parent's ancestors come. The items must not contain one another.
 */
async function relocate(tx: MirrorTx, rows: { id: string; parent: string | null }[]): Promise<void> {
  if (!rows.length) return;
  const moves = rows.map((row) => ({ id: row.id, parent: row.parent }));
  const ids = moves.map((m) => m.id);
  await tx.$executeRaw`
    INSERT INTO files.box_item_ancestors (item_box_id, ancestor_box_id, depth)
    SELECT id, id, 0 FROM unnest(${ids}::text[]) AS id ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`
    DELETE FROM files.box_item_ancestors d
     USING files.box_item_ancestors s
     WHERE s.ancestor_box_id = ANY(${ids}::text[]) AND d.item_box_id = s.item_box_id
       AND NOT EXISTS (SELECT 1 FROM files.box_item_ancestors w
                        WHERE w.item_box_id = d.ancestor_box_id AND w.ancestor_box_id = s.ancestor_box_id)`;
  await tx.$executeRaw`
    INSERT INTO files.box_item_ancestors (item_box_id, ancestor_box_id, depth)
    SELECT sub.item_box_id, sup.ancestor_box_id, sup.depth + sub.depth + 1
      FROM jsonb_to_recordset(${json(moves)}::jsonb) AS m(id text, parent text)
      JOIN files.box_item_ancestors sup ON sup.item_box_id = m.parent
      JOIN files.box_item_ancestors sub ON sub.ancestor_box_id = m.id
    ON CONFLICT (item_box_id, ancestor_box_id) DO UPDATE SET depth = EXCLUDED.depth`;
}

/** Recomputes `path` (the ancestors' names, root first) of every item in the subtrees of `roots`, set-based. */
async function refreshPaths(tx: MirrorTx, roots: string[]): Promise<void> {
  if (!roots.length) return;
  await tx.$executeRaw`
    UPDATE files.box_items i SET path = p.path, updated_at = now()
      FROM (SELECT c.item_box_id,
                   coalesce(string_agg('/' || a.name, '' ORDER BY c.depth DESC) FILTER (WHERE c.depth > 0), '') AS path
              FROM (SELECT DISTINCT item_box_id FROM files.box_item_ancestors WHERE ancestor_box_id = ANY(${roots}::text[])) s
              JOIN files.box_item_ancestors c ON c.item_box_id = s.item_box_id
              LEFT JOIN files.box_items a ON a.box_item_id = c.ancestor_box_id
             GROUP BY c.item_box_id) p
     WHERE i.box_item_id = p.item_box_id AND i.path IS DISTINCT FROM p.path`;
}

/** Box answered that the item is in the trash: it and everything under it are trashed (Box trashes a folder's content with it). */
export async function markTrashed(tx: MirrorTx, boxId: string, at: Date): Promise<number> {
  return tx.$executeRaw`
    UPDATE files.box_items i SET item_status = 'trashed', trashed_at = coalesce(i.trashed_at, ${at}), synced_at = now(), updated_at = now()
      FROM files.box_item_ancestors c
     WHERE c.ancestor_box_id = ${boxId} AND i.box_item_id = c.item_box_id AND i.item_status = 'active'`;
}

/**
 * Items gone from Box (and their subtrees) are kept as `deleted` rows, so WRK links to them stay resolvable; their
 * collaborations are gone with them.
 */
export async function markDeleted(tx: MirrorTx, boxIds: string[]): Promise<number> {
  if (!boxIds.length) return 0;
  const count = await tx.$executeRaw`
    UPDATE files.box_items i SET item_status = 'deleted', synced_at = now(), updated_at = now()
      FROM (SELECT DISTINCT item_box_id FROM files.box_item_ancestors WHERE ancestor_box_id = ANY(${boxIds}::text[])
            UNION SELECT unnest(${boxIds}::text[])) s
     WHERE i.box_item_id = s.item_box_id AND i.item_status <> 'deleted'`;
  await tx.$executeRaw`
    DELETE FROM files.box_collaborations c USING files.box_items i
     WHERE i.box_item_id = c.box_item_id AND i.item_status = 'deleted'
       AND c.box_item_id IN (SELECT item_box_id FROM files.box_item_ancestors WHERE ancestor_box_id = ANY(${boxIds}::text[]))`;
  return count;
}

/** Makes the stored collaborations of `itemIds` exactly `collaborations` (the set Box lists for those items). */
export async function replaceCollaborations(tx: MirrorTx, itemIds: string[], collaborations: MirrorCollaboration[]): Promise<number> {
  if (!itemIds.length) return 0;
  const keep = collaborations.map((c) => c.id);
  const removed = await tx.$executeRaw`
    DELETE FROM files.box_collaborations
     WHERE box_item_id = ANY(${itemIds}::text[]) AND NOT (box_collaboration_id = ANY(${keep}::text[]))`;
  if (!collaborations.length) return removed;
  const written = await tx.$executeRaw`
    INSERT INTO files.box_collaborations AS c (box_collaboration_id, box_item_id, principal_type, principal_id, role, status,
        expires_at, is_access_only, synced_at)
    SELECT r.id, r."itemId", r."principalType"::files."BoxPrincipalType", r."principalId", r.role,
        r.status::files."BoxCollaborationStatus", r."expiresAt"::timestamptz, r."isAccessOnly", now()
      FROM jsonb_to_recordset(${json(collaborations)}::jsonb) AS r(id text, "itemId" text, "principalType" text,
        "principalId" text, role text, status text, "expiresAt" text, "isAccessOnly" boolean)
    ON CONFLICT (box_collaboration_id) DO UPDATE SET
        box_item_id = EXCLUDED.box_item_id, principal_type = EXCLUDED.principal_type, principal_id = EXCLUDED.principal_id,
        role = EXCLUDED.role, status = EXCLUDED.status, expires_at = EXCLUDED.expires_at,
        is_access_only = EXCLUDED.is_access_only, synced_at = now()
      WHERE (c.box_item_id, c.principal_type, c.principal_id, c.role, c.status, c.expires_at, c.is_access_only)
            IS DISTINCT FROM (EXCLUDED.box_item_id, EXCLUDED.principal_type, EXCLUDED.principal_id, EXCLUDED.role,
                              EXCLUDED.status, EXCLUDED.expires_at, EXCLUDED.is_access_only)`;
  return removed + written;
}

export async function upsertUsers(tx: MirrorTx, users: MirrorUser[]): Promise<number> {
  const unique = [...new Map(users.map((u) => [u.id, u])).values()];
  if (!unique.length) return 0;
  return tx.$executeRaw`
    INSERT INTO files.box_users AS u (box_user_id, name, login, synced_at)
    SELECT r.id, r.name, r.login, now() FROM jsonb_to_recordset(${json(unique)}::jsonb) AS r(id text, name text, login text)
    ON CONFLICT (box_user_id) DO UPDATE SET name = EXCLUDED.name, login = EXCLUDED.login, synced_at = now()
      WHERE (u.name, u.login) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.login)`;
}

export async function upsertGroups(tx: MirrorTx, groups: MirrorGroup[]): Promise<number> {
  const unique = [...new Map(groups.map((g) => [g.id, g])).values()];
  if (!unique.length) return 0;
  return tx.$executeRaw`
    INSERT INTO files.box_groups AS g (box_group_id, name, synced_at)
    SELECT r.id, r.name, now() FROM jsonb_to_recordset(${json(unique)}::jsonb) AS r(id text, name text)
    ON CONFLICT (box_group_id) DO UPDATE SET name = EXCLUDED.name, synced_at = now()
      WHERE g.name IS DISTINCT FROM EXCLUDED.name`;
}

/** Groups gone from Box, with their memberships (a complete listing of the enterprise's groups keeps `keep`). */
export async function deleteGroupsExcept(tx: MirrorTx, keep: string[]): Promise<number> {
  await tx.$executeRaw`DELETE FROM files.box_group_memberships WHERE NOT (box_group_id = ANY(${keep}::text[]))`;
  return tx.$executeRaw`DELETE FROM files.box_groups WHERE NOT (box_group_id = ANY(${keep}::text[]))`;
}

export async function deleteGroup(tx: MirrorTx, groupId: string): Promise<number> {
  await tx.$executeRaw`DELETE FROM files.box_group_memberships WHERE box_group_id = ${groupId}`;
  return tx.$executeRaw`DELETE FROM files.box_groups WHERE box_group_id = ${groupId}`;
}

/** Makes the stored members of `groupIds` exactly `memberships`. */
export async function replaceMemberships(tx: MirrorTx, groupIds: string[], memberships: MirrorMembership[]): Promise<number> {
  if (!groupIds.length) return 0;
  const removed = await tx.$executeRaw`
    DELETE FROM files.box_group_memberships m
     WHERE m.box_group_id = ANY(${groupIds}::text[])
       AND NOT EXISTS (SELECT 1 FROM jsonb_to_recordset(${json(memberships)}::jsonb) AS r("groupId" text, "userId" text)
                        WHERE r."groupId" = m.box_group_id AND r."userId" = m.box_user_id)`;
  if (!memberships.length) return removed;
  const written = await tx.$executeRaw`
    INSERT INTO files.box_group_memberships AS m (box_membership_id, box_group_id, box_user_id, role, synced_at)
    SELECT r.id, r."groupId", r."userId", r.role, now()
      FROM jsonb_to_recordset(${json(memberships)}::jsonb) AS r(id text, "groupId" text, "userId" text, role text)
    ON CONFLICT (box_group_id, box_user_id) DO UPDATE SET box_membership_id = EXCLUDED.box_membership_id, role = EXCLUDED.role,
        synced_at = now()
      WHERE (m.box_membership_id, m.role) IS DISTINCT FROM (EXCLUDED.box_membership_id, EXCLUDED.role)`;
  return removed + written;
}
