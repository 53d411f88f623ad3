import { createHash } from 'node:crypto';
import type { Collaboration, Group, Item, Json, JsonObject, Membership, User, Webhook } from './model.ts';

/** Box's timestamp format: RFC 3339 to the second with a numeric offset. */
export function boxTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

export function sequenceOf(item: Item): string | null {
  return item.id === '0' ? null : String(item.version);
}

export function userMini(user: User | undefined, id = ''): JsonObject {
  return user ? { type: 'user', id: user.id, name: user.name, login: user.login } : { type: 'user', id, name: '', login: '' };
}

export function userFull(user: User): JsonObject {
  return {
    ...userMini(user),
    created_at: boxTime(user.createdAt),
    modified_at: boxTime(user.modifiedAt),
    language: 'en',
    timezone: 'Europe/Berlin',
    space_amount: 10_737_418_240,
    space_used: 0,
    max_upload_size: 5_368_709_120,
    status: 'active',
    job_title: '',
    phone: '',
    address: '',
    avatar_url: '',
    role: user.role,
  };
}

export function groupMini(group: Group): JsonObject {
  return { type: 'group', id: group.id, name: group.name, group_type: 'managed_group' };
}

export function groupFull(group: Group): JsonObject {
  return {
    ...groupMini(group),
    created_at: boxTime(group.createdAt),
    modified_at: boxTime(group.modifiedAt),
    description: group.description ?? '',
    provenance: '',
    external_sync_identifier: '',
    invitability_level: 'admins_only',
    member_viewability_level: 'admins_only',
  };
}

export function membershipJson(m: Membership, user: User | undefined, group: Group): JsonObject {
  return {
    type: 'group_membership',
    id: m.id,
    user: userMini(user, m.userId),
    group: groupMini(group),
    role: m.role,
    created_at: boxTime(m.createdAt),
    modified_at: boxTime(m.modifiedAt),
  };
}

export function itemMini(item: Item): JsonObject {
  const seq = sequenceOf(item);
  const mini: JsonObject = { type: item.type, id: item.id, sequence_id: seq, etag: seq, name: item.name };
  if (item.type === 'file') {
    const sha1 = sha1Of(item);
    mini.sha1 = sha1;
    mini.file_version = { type: 'file_version', id: `${item.id}${item.version}`, sha1 };
  }
  return mini;
}

function sha1Of(item: Item): string {
  return createHash('sha1')
    .update(item.content ?? '')
    .digest('hex');
}

function sharedLinkJson(item: Item): Json {
  const link = item.sharedLink;
  if (!link) return null;
  return {
    url: link.url,
    download_url: null,
    vanity_url: null,
    vanity_name: null,
    access: link.access,
    effective_access: link.effectiveAccess,
    effective_permission: link.effectivePermission,
    unshared_at: null,
    is_password_enabled: false,
    permissions: { can_download: link.effectivePermission !== 'can_preview', can_preview: true, can_edit: false },
    download_count: 0,
    preview_count: 0,
  };
}

/** What the tree around an item looks like, for path_collection and parent. */
export interface TreeView {
  ancestors(item: Item): Item[];
  user(id: string): User | undefined;
  children(folder: Item): Item[];
}

/**
 * The full object as GET /files/:id or /folders/:id returns it with every field asked for. `wanted` (when given)
 * skips the costly fields nobody asked for: a folder's size sums its whole subtree.
 */
export function itemFull(item: Item, tree: TreeView, wanted?: ReadonlySet<string>): JsonObject {
  const ancestors = tree.ancestors(item);
  const parent = ancestors[ancestors.length - 1];
  const owner = userMini(tree.user(item.ownerId), item.ownerId);
  const size = wanted && !wanted.has('size') ? 0 : sizeOf(item, tree);
  const full: JsonObject = {
    ...itemMini(item),
    description: item.description,
    size,
    path_collection: { total_count: ancestors.length, entries: ancestors.map(itemMini) },
    created_at: boxTime(item.createdAt),
    modified_at: boxTime(item.modifiedAt),
    trashed_at: item.trashedAt ? boxTime(item.trashedAt) : null,
    purged_at: null,
    content_created_at: boxTime(item.createdAt),
    content_modified_at: boxTime(item.modifiedAt),
    created_by: owner,
    modified_by: owner,
    owned_by: owner,
    shared_link: sharedLinkJson(item),
    parent: parent ? itemMini(parent) : null,
    item_status: item.status,
    permissions: permissionsOf(item),
    has_collaborations: false,
  };
  if (item.type === 'file') full.extension = item.name.includes('.') ? (item.name.split('.').pop() ?? '') : '';
  return full;
}

function sizeOf(item: Item, tree: TreeView): number {
  return item.type === 'file' ? (item.content?.length ?? 0) : tree.children(item).reduce((n, c) => n + sizeOf(c, tree), 0);
}

/** The caller's permissions: the service account may do everything. */
function permissionsOf(item: Item): JsonObject {
  const common = {
    can_delete: true,
    can_download: true,
    can_invite_collaborator: true,
    can_rename: true,
    can_set_share_access: true,
    can_share: true,
  };
  return item.type === 'folder'
    ? { ...common, can_upload: true }
    : {
        ...common,
        can_annotate: true,
        can_comment: true,
        can_preview: true,
        can_upload: true,
        can_view_annotations_all: true,
        can_view_annotations_self: true,
      };
}

/** Box's answer when `fields` is given: the mini fields plus the ones asked for (unknown names are ignored). */
export function pickFields(full: JsonObject, mini: JsonObject, fields: string[] | null, standard: readonly string[]): JsonObject {
  const out: JsonObject = { ...mini };
  for (const f of fields ?? standard) {
    const value = full[f];
    if (value !== undefined) out[f] = value;
  }
  return out;
}

export const STANDARD_ITEM_FIELDS = [
  'description',
  'size',
  'path_collection',
  'created_at',
  'modified_at',
  'trashed_at',
  'purged_at',
  'content_created_at',
  'content_modified_at',
  'created_by',
  'modified_by',
  'owned_by',
  'shared_link',
  'parent',
  'item_status',
] as const;

export function collaborationJson(c: Collaboration, item: Item | undefined, tree: TreeView, group: Group | undefined): JsonObject {
  const accessibleBy: JsonObject =
    c.accessibleBy.type === 'user'
      ? userMini(tree.user(c.accessibleBy.id), c.accessibleBy.id)
      : group
        ? groupMini(group)
        : { type: 'group', id: c.accessibleBy.id, name: '', group_type: 'managed_group' };
  return {
    type: 'collaboration',
    id: c.id,
    item: item ? itemMini(item) : null,
    accessible_by: accessibleBy,
    invite_email: c.inviteEmail,
    role: c.role,
    expires_at: c.expiresAt ? boxTime(c.expiresAt) : null,
    is_access_only: c.isAccessOnly,
    status: c.status,
    acknowledged_at: c.status === 'accepted' ? boxTime(c.modifiedAt) : null,
    created_by: userMini(tree.user(c.createdBy), c.createdBy),
    created_at: boxTime(c.createdAt),
    modified_at: boxTime(c.modifiedAt),
  };
}

export function webhookJson(w: Webhook, tree: TreeView): JsonObject {
  return {
    type: 'webhook',
    id: w.id,
    target: { id: w.target.id, type: w.target.type },
    created_by: userMini(tree.user(w.createdBy), w.createdBy),
    created_at: boxTime(w.createdAt),
    address: w.address,
    triggers: [...w.triggers],
  };
}

/** An item as the admin streams describe it. */
export function eventSource(item: Item, tree: TreeView): JsonObject {
  const ancestors = tree.ancestors(item);
  const parent = ancestors[ancestors.length - 1];
  return {
    item_type: item.type,
    item_id: item.id,
    item_name: item.name,
    parent: parent ? itemMini(parent) : null,
    owned_by: userMini(tree.user(item.ownerId), item.ownerId),
  };
}
