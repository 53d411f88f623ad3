import { randomUUID } from 'node:crypto';
import type {
  Change,
  Collaboration,
  CollaborationRole,
  CollaborationStatus,
  Group,
  Item,
  Json,
  JsonObject,
  Membership,
  SharedLink,
  StoredEvent,
  User,
  Webhook,
} from './model.ts';
import { collaborationJson, eventSource, groupMini, itemFull, userMini, type TreeView } from './repr.ts';

export interface StateOptions {
  /** The enterprise the service account belongs to. */
  enterpriseId?: string;
  /** The clock stamping changes (tests and the demo pass a fixed one). */
  now?: () => Date;
}

export interface ItemInput {
  id?: string;
  name: string;
  parentId: string;
  /** Top-level items only (the service account unless given): below, Box makes the parent's owner own the item. */
  ownerId?: string;
  description?: string;
  at?: Date;
  /** Who did it (the event's created_by); defaults to the owner. */
  by?: string;
}

export interface CollaborationInput {
  id?: string;
  itemId: string;
  accessibleBy: { type: 'user' | 'group'; id: string };
  role: CollaborationRole;
  status?: CollaborationStatus;
  expiresAt?: Date | null;
  isAccessOnly?: boolean;
  by?: string;
  at?: Date;
}

/** How the event streams misbehave, as Box's may: duplicates and disorder. */
export interface EventDisorder {
  /** Each entry twice in its page. */
  duplicate?: boolean;
  /** Each page in reverse order. */
  reverse?: boolean;
  /** next_stream_position points before a page's last entry, so the next page starts with it again. */
  overlap?: boolean;
}

/** Raised by the programmatic API on impossible changes (a programming error in a test, not an HTTP answer). */
export class FakeBoxStateError extends Error {}

const SERVICE_ACCOUNT_ID = '9000';

/**
 * The fake Box's whole state: users, groups, the item tree, collaborations, webhooks and the event log.
 * Tests mutate it through methods (never HTTP); each mutation bumps the item's sequence id and etag, appends the
 * events Box would log and tells the webhook sender.
 */
export class BoxState implements TreeView {
  readonly enterpriseId: string;
  readonly serviceAccountId = SERVICE_ACCOUNT_ID;
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly memberships = new Map<string, Membership>();
  readonly items = new Map<string, Item>();
  readonly collaborations = new Map<string, Collaboration>();
  readonly webhooks = new Map<string, Webhook>();
  readonly events: StoredEvent[] = [];
  eventDisorder: EventDisorder = {};
  private readonly childIndex = new Map<string, Set<string>>();
  private readonly listeners: ((change: Change) => void)[] = [];
  private readonly counters = new Map<string, number>();
  private readonly clock: () => Date;

  constructor(options: StateOptions = {}) {
    this.enterpriseId = options.enterpriseId ?? '900000';
    this.clock = options.now ?? (() => new Date());
    const at = new Date('2026-01-01T00:00:00Z');
    this.users.set(SERVICE_ACCOUNT_ID, {
      id: SERVICE_ACCOUNT_ID,
      name: 'WRK Service Account',
      login: `AutomationUser_${this.enterpriseId}@boxdevedition.com`,
      role: 'admin',
      createdAt: at,
      modifiedAt: at,
    });
    this.items.set('0', {
      type: 'folder',
      id: '0',
      name: 'All Files',
      parentId: null,
      ownerId: SERVICE_ACCOUNT_ID,
      description: '',
      createdAt: at,
      modifiedAt: at,
      version: 0,
      content: null,
      status: 'active',
      trashedAt: null,
      trashedBy: null,
      sharedLink: null,
    });
  }

  now(): Date {
    return this.clock();
  }

  /** Called for every change a webhook could be triggered by; returns the unsubscribe function. */
  onChange(listener: (change: Change) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  nextId(kind: 'folder' | 'file' | 'user' | 'group' | 'membership' | 'collaboration' | 'webhook'): string {
    const base = {
      folder: 100_000_000_000,
      file: 1_400_000_000_000,
      user: 20_000,
      group: 500_000,
      membership: 7_000_000,
      collaboration: 9_000_000_000,
      webhook: 4_000_000,
    }[kind];
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const id = String(base + n);
    const taken =
      kind === 'folder' || kind === 'file'
        ? this.items
        : kind === 'user'
          ? this.users
          : kind === 'group'
            ? this.groups
            : kind === 'membership'
              ? this.memberships
              : kind === 'collaboration'
                ? this.collaborations
                : this.webhooks;
    return taken.has(id) ? this.nextId(kind) : id;
  }

  // ---- reading (TreeView) ----

  user(id: string): User | undefined {
    return this.users.get(id);
  }

  /** Folders above the item, root first (path_collection). */
  ancestors(item: Item): Item[] {
    const chain: Item[] = [];
    let parentId = item.parentId;
    while (parentId !== null) {
      const parent = this.items.get(parentId);
      if (!parent) break;
      chain.unshift(parent);
      parentId = parent.parentId;
    }
    return chain;
  }

  /** Active children, folders first, then by name (Box's default order). */
  children(folder: Item): Item[] {
    const ids = this.childIndex.get(folder.id) ?? new Set<string>();
    const kids: Item[] = [];
    for (const id of ids) {
      const kid = this.items.get(id);
      if (kid && kid.status === 'active') kids.push(kid);
    }
    return kids.sort((a, b) =>
      a.type === b.type ? a.name.localeCompare(b.name) || a.id.localeCompare(b.id) : a.type === 'folder' ? -1 : 1,
    );
  }

  /** The item and everything below it, whatever its status. */
  subtree(item: Item): Item[] {
    const out: Item[] = [item];
    for (let i = 0; i < out.length; i++) {
      const current = out[i];
      if (!current) continue;
      for (const id of this.childIndex.get(current.id) ?? []) {
        const kid = this.items.get(id);
        if (kid) out.push(kid);
      }
    }
    return out;
  }

  /** Names of the folders above the item, root first, joined by "/" ("/All Files/Projects/Alpha"); "" for folder 0. */
  pathOf(itemId: string): string {
    return this.ancestors(this.item(itemId))
      .map((a) => `/${a.name}`)
      .join('');
  }

  item(id: string): Item {
    const item = this.items.get(id);
    if (!item || item.status === 'deleted') throw new FakeBoxStateError(`no item ${id}`);
    return item;
  }

  collaborationsOn(itemId: string): Collaboration[] {
    return [...this.collaborations.values()].filter((c) => c.itemId === itemId).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * What Box would let the user do with the item: 'owner', the highest role of the accepted, unexpired
   * collaborations on the item or a folder above it (for the user or a group they are in), or null (no access).
   */
  effectiveRole(userId: string, itemId: string): CollaborationRole | null {
    const item = this.items.get(itemId);
    if (!item || item.status !== 'active') return null;
    if (item.ownerId === userId) return 'owner';
    const groups = new Set([...this.memberships.values()].filter((m) => m.userId === userId).map((m) => m.groupId));
    const path = new Set([item.id, ...this.ancestorIds(item)]);
    const now = this.now();
    let best: CollaborationRole | null = null;
    for (const c of this.collaborations.values()) {
      if (!path.has(c.itemId) || c.status !== 'accepted' || (c.expiresAt && c.expiresAt <= now)) continue;
      const mine = c.accessibleBy.type === 'user' ? c.accessibleBy.id === userId : groups.has(c.accessibleBy.id);
      if (mine && (best === null || ROLE_RANK.indexOf(c.role) < ROLE_RANK.indexOf(best))) best = c.role;
    }
    return best;
  }

  // ---- users and groups ----

  addUser(input: { id?: string; name: string; login: string; role?: User['role']; at?: Date }): User {
    const at = input.at ?? this.now();
    const user: User = {
      id: input.id ?? this.nextId('user'),
      name: input.name,
      login: input.login,
      role: input.role ?? 'user',
      createdAt: at,
      modifiedAt: at,
    };
    this.users.set(user.id, user);
    return user;
  }

  addGroup(input: { id?: string; name: string; description?: string; at?: Date }): Group {
    const at = input.at ?? this.now();
    const group: Group = {
      id: input.id ?? this.nextId('group'),
      name: input.name,
      description: input.description ?? null,
      createdAt: at,
      modifiedAt: at,
    };
    this.groups.set(group.id, group);
    return group;
  }

  addGroupMember(
    groupId: string,
    userId: string,
    options: { id?: string; role?: Membership['role']; at?: Date; by?: string } = {},
  ): Membership {
    const group = this.requireGroup(groupId);
    const user = this.requireUser(userId);
    const existing = [...this.memberships.values()].find((m) => m.groupId === groupId && m.userId === userId);
    if (existing) throw new FakeBoxStateError(`user ${userId} is already in group ${groupId}`);
    const at = options.at ?? this.now();
    const membership: Membership = {
      id: options.id ?? this.nextId('membership'),
      groupId,
      userId,
      role: options.role ?? 'member',
      createdAt: at,
      modifiedAt: at,
    };
    this.memberships.set(membership.id, membership);
    this.logGroupEvent('GROUP_ADD_USER', group, user, options.by, at);
    return membership;
  }

  removeGroupMember(groupId: string, userId: string, options: { at?: Date; by?: string } = {}): void {
    const group = this.requireGroup(groupId);
    const user = this.requireUser(userId);
    const membership = [...this.memberships.values()].find((m) => m.groupId === groupId && m.userId === userId);
    if (!membership) throw new FakeBoxStateError(`user ${userId} is not in group ${groupId}`);
    this.memberships.delete(membership.id);
    this.logGroupEvent('GROUP_REMOVE_USER', group, user, options.by, options.at ?? this.now());
  }

  // ---- items ----

  createFolder(input: ItemInput): Item {
    return this.insertItem('folder', input, null);
  }

  uploadFile(input: ItemInput & { content: string | Buffer }): Item {
    return this.insertItem('file', input, Buffer.from(input.content));
  }

  /** A new version of a file's bytes (ITEM_UPLOAD, FILE.UPLOADED, as Box logs a new version). */
  uploadVersion(fileId: string, content: string | Buffer, options: { at?: Date; by?: string } = {}): Item {
    const item = this.activeItem(fileId);
    if (item.type !== 'file') throw new FakeBoxStateError(`${fileId} is not a file`);
    item.content = Buffer.from(content);
    this.touch(item, options.at);
    this.logItemEvent(item, 'ITEM_UPLOAD', 'FILE.UPLOADED', options.by, [], this.ancestorIds(item));
    return item;
  }

  rename(itemId: string, name: string, options: { at?: Date; by?: string } = {}): Item {
    const item = this.activeItem(itemId);
    const oldName = item.name;
    this.assertNameFree(item.parentId ?? '', name, item.id);
    item.name = name;
    this.touch(item, options.at);
    this.logItemEvent(item, 'ITEM_RENAME', `${upper(item)}.RENAMED`, options.by, { old_name: oldName }, this.ancestorIds(item));
    return item;
  }

  move(itemId: string, newParentId: string, options: { at?: Date; by?: string } = {}): Item {
    const item = this.activeItem(itemId);
    const target = this.activeItem(newParentId);
    if (target.type !== 'folder') throw new FakeBoxStateError(`${newParentId} is not a folder`);
    if (this.ancestors(target).some((a) => a.id === item.id) || target.id === item.id)
      throw new FakeBoxStateError('cannot move a folder into itself');
    this.assertNameFree(target.id, item.name, item.id);
    const before = this.ancestorIds(item);
    this.unlink(item);
    item.parentId = target.id;
    this.link(item);
    this.touch(item, options.at);
    this.logItemEvent(item, 'ITEM_MOVE', `${upper(item)}.MOVED`, options.by, [], [...new Set([...before, ...this.ancestorIds(item)])]);
    return item;
  }

  /** Moves the item and its subtree to the trash. */
  trash(itemId: string, options: { at?: Date; by?: string } = {}): Item {
    const item = this.activeItem(itemId);
    const at = options.at ?? this.now();
    for (const node of this.subtree(item)) {
      if (node.status !== 'active') continue;
      node.status = 'trashed';
      node.trashedBy = item.id;
    }
    item.trashedAt = at;
    this.touch(item, at);
    this.logItemEvent(item, 'ITEM_TRASH', `${upper(item)}.TRASHED`, options.by, [], this.ancestorIds(item));
    return item;
  }

  /** Restores an item from the trash, with what its trashing hid. */
  restore(itemId: string, options: { at?: Date; by?: string } = {}): Item {
    const item = this.item(itemId);
    if (item.status !== 'trashed' || item.trashedBy !== item.id) throw new FakeBoxStateError(`${itemId} is not in the trash`);
    const parent = this.items.get(item.parentId ?? '');
    if (!parent || parent.status !== 'active') throw new FakeBoxStateError(`the parent of ${itemId} is gone`);
    for (const node of this.subtree(item)) {
      if (node.trashedBy !== item.id) continue;
      node.status = 'active';
      node.trashedBy = null;
    }
    item.trashedAt = null;
    this.touch(item, options.at);
    this.logItemEvent(item, 'ITEM_UNDELETE_VIA_TRASH', `${upper(item)}.RESTORED`, options.by, [], this.ancestorIds(item));
    return item;
  }

  /** Deletes the item and its subtree for good (from the trash or not): 404 not_found afterwards. */
  delete(itemId: string, options: { at?: Date; by?: string } = {}): void {
    const item = this.item(itemId);
    if (item.id === '0') throw new FakeBoxStateError('cannot delete the root folder');
    const ancestorIds = this.ancestorIds(item);
    this.logItemEvent(item, 'DELETE', `${upper(item)}.DELETED`, options.by, [], ancestorIds, options.at);
    for (const node of this.subtree(item)) {
      node.status = 'deleted';
      for (const c of this.collaborationsOn(node.id)) this.collaborations.delete(c.id);
    }
    this.unlink(item);
  }

  setSharedLink(itemId: string, link: Omit<SharedLink, 'url' | 'effectiveAccess'> | null, options: { at?: Date; by?: string } = {}): Item {
    const item = this.activeItem(itemId);
    const had = item.sharedLink !== null;
    item.sharedLink = link ? { ...link, effectiveAccess: link.access, url: `https://app.box.com/s/${item.id}x${item.version + 1}` } : null;
    this.touch(item, options.at);
    const [eventType, trigger] = link
      ? had
        ? ['ITEM_SHARED_UPDATE', 'SHARED_LINK.UPDATED']
        : ['ITEM_SHARED_CREATE', 'SHARED_LINK.CREATED']
      : ['ITEM_SHARED_UNSHARE', 'SHARED_LINK.DELETED'];
    this.logItemEvent(item, eventType, trigger, options.by, [], this.ancestorIds(item));
    return item;
  }

  // ---- collaborations ----

  addCollaboration(input: CollaborationInput): Collaboration {
    const item = this.activeItem(input.itemId);
    if (input.accessibleBy.type === 'user') this.requireUser(input.accessibleBy.id);
    else this.requireGroup(input.accessibleBy.id);
    const at = input.at ?? this.now();
    const collab: Collaboration = {
      id: input.id ?? this.nextId('collaboration'),
      itemId: item.id,
      accessibleBy: { ...input.accessibleBy },
      role: input.role,
      status: input.status ?? 'accepted',
      expiresAt: input.expiresAt ?? null,
      isAccessOnly: input.isAccessOnly ?? false,
      inviteEmail: null,
      createdBy: input.by ?? item.ownerId,
      createdAt: at,
      modifiedAt: at,
    };
    this.collaborations.set(collab.id, collab);
    this.logCollabEvent(
      collab,
      collab.status === 'pending' ? 'COLLAB_INVITE_COLLABORATOR' : 'COLLAB_ADD_COLLABORATOR',
      'COLLABORATION.CREATED',
      input.by,
      at,
    );
    return collab;
  }

  /** Changes role, status (pending → accepted fires COLLABORATION.ACCEPTED) or expiry. */
  updateCollaboration(
    id: string,
    patch: { role?: CollaborationRole; status?: CollaborationStatus; expiresAt?: Date | null },
    options: { at?: Date; by?: string } = {},
  ): Collaboration {
    const collab = this.requireCollaboration(id);
    const at = options.at ?? this.now();
    const accepted = patch.status === 'accepted' && collab.status === 'pending';
    const rejected = patch.status === 'rejected' && collab.status !== 'rejected';
    if (patch.role !== undefined) collab.role = patch.role;
    if (patch.status !== undefined) collab.status = patch.status;
    if (patch.expiresAt !== undefined) collab.expiresAt = patch.expiresAt;
    collab.modifiedAt = at;
    const [eventType, trigger] = accepted
      ? ['COLLAB_ADD_COLLABORATOR', 'COLLABORATION.ACCEPTED']
      : rejected
        ? ['COLLAB_REMOVE_COLLABORATOR', 'COLLABORATION.REJECTED']
        : ['COLLAB_ROLE_CHANGE', 'COLLABORATION.UPDATED'];
    this.logCollabEvent(collab, eventType, trigger, options.by, at);
    return collab;
  }

  removeCollaboration(id: string, options: { at?: Date; by?: string } = {}): void {
    const collab = this.requireCollaboration(id);
    this.collaborations.delete(id);
    this.logCollabEvent(collab, 'COLLAB_REMOVE_COLLABORATOR', 'COLLABORATION.REMOVED', options.by, options.at ?? this.now());
  }

  // ---- events ----

  /** The position `now` means: after every event logged so far. */
  get streamPosition(): number {
    return this.events.length;
  }

  // ---- internals ----

  private insertItem(type: Item['type'], input: ItemInput, content: Buffer | null): Item {
    const parent = this.activeItem(input.parentId);
    if (parent.type !== 'folder') throw new FakeBoxStateError(`${input.parentId} is not a folder`);
    this.assertNameFree(parent.id, input.name, null);
    const id = input.id ?? this.nextId(type);
    if (this.items.has(id)) throw new FakeBoxStateError(`item ${id} exists`);
    const at = input.at ?? this.now();
    const item: Item = {
      type,
      id,
      name: input.name,
      parentId: parent.id,
      ownerId: parent.id === '0' ? (input.ownerId ?? SERVICE_ACCOUNT_ID) : parent.ownerId,
      description: input.description ?? '',
      createdAt: at,
      modifiedAt: at,
      version: 1,
      content,
      status: 'active',
      trashedAt: null,
      trashedBy: null,
      sharedLink: null,
    };
    this.items.set(id, item);
    this.link(item);
    if (type === 'file') this.logItemEvent(item, 'ITEM_UPLOAD', 'FILE.UPLOADED', input.by, [], this.ancestorIds(item), at);
    else this.logItemEvent(item, 'ITEM_CREATE', 'FOLDER.CREATED', input.by, [], this.ancestorIds(item), at);
    return item;
  }

  private activeItem(id: string): Item {
    const item = this.item(id);
    if (item.status !== 'active') throw new FakeBoxStateError(`item ${id} is ${item.status}`);
    return item;
  }

  private assertNameFree(parentId: string, name: string, selfId: string | null): void {
    const parent = this.items.get(parentId);
    if (!parent) return;
    const clash = this.children(parent).find((c) => c.name === name && c.id !== selfId);
    if (clash) throw new FakeBoxStateError(`an item named ${name} exists in ${parentId}`);
  }

  private link(item: Item): void {
    if (item.parentId === null) return;
    const set = this.childIndex.get(item.parentId) ?? new Set<string>();
    set.add(item.id);
    this.childIndex.set(item.parentId, set);
  }

  private unlink(item: Item): void {
    if (item.parentId !== null) this.childIndex.get(item.parentId)?.delete(item.id);
  }

  private touch(item: Item, at?: Date): void {
    item.version += 1;
    item.modifiedAt = at ?? this.now();
  }

  private ancestorIds(item: Item): string[] {
    return this.ancestors(item).map((a) => a.id);
  }

  private requireUser(id: string): User {
    const user = this.users.get(id);
    if (!user) throw new FakeBoxStateError(`no user ${id}`);
    return user;
  }

  private requireGroup(id: string): Group {
    const group = this.groups.get(id);
    if (!group) throw new FakeBoxStateError(`no group ${id}`);
    return group;
  }

  private requireCollaboration(id: string): Collaboration {
    const collab = this.collaborations.get(id);
    if (!collab) throw new FakeBoxStateError(`no collaboration ${id}`);
    return collab;
  }

  private actor(by: string | undefined, fallback: string): JsonObject {
    const id = by ?? fallback;
    return userMini(this.users.get(id), id);
  }

  private append(event: Omit<StoredEvent, 'position' | 'eventId'>): void {
    this.events.push({ ...event, position: this.events.length + 1, eventId: randomUUID() });
  }

  private emit(change: Change): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  private logItemEvent(
    item: Item,
    eventType: string,
    trigger: string,
    by: string | undefined,
    additionalInfo: Json,
    ancestorIds: string[],
    at?: Date,
  ): void {
    const createdAt = at ?? item.modifiedAt;
    const createdBy = this.actor(by, item.ownerId);
    const full = itemFull(item, this);
    this.append({
      eventType,
      createdAt,
      createdBy,
      itemId: item.id,
      inUserStream: true,
      userSource: full,
      adminSource: eventSource(item, this),
      additionalDetails: null,
      accessibleBy: null,
    });
    this.emit({ trigger, itemId: item.id, ancestorIds, source: full, createdBy, additionalInfo, createdAt });
  }

  private logCollabEvent(collab: Collaboration, eventType: string, trigger: string, by: string | undefined, at: Date): void {
    const item = this.items.get(collab.itemId);
    const group = collab.accessibleBy.type === 'group' ? this.groups.get(collab.accessibleBy.id) : undefined;
    const json = collaborationJson(collab, item, this, group);
    const createdBy = this.actor(by, collab.createdBy);
    this.append({
      eventType,
      createdAt: at,
      createdBy,
      itemId: collab.itemId,
      inUserStream: true,
      userSource: json,
      adminSource: item ? eventSource(item, this) : json,
      additionalDetails: { collab_id: collab.id, role: collab.role, status: collab.status, is_performed_by_admin: false },
      accessibleBy:
        json.accessible_by && typeof json.accessible_by === 'object' && !Array.isArray(json.accessible_by) ? json.accessible_by : null,
    });
    // Box's collaboration triggers exist on folders only; a file collaboration fires its parents' folder webhooks.
    if (item)
      this.emit({
        trigger,
        itemId: item.id,
        ancestorIds: this.ancestorIds(item),
        source: json,
        createdBy,
        additionalInfo: [],
        createdAt: at,
      });
  }

  private logGroupEvent(eventType: string, group: Group, user: User, by: string | undefined, at: Date): void {
    this.append({
      eventType,
      createdAt: at,
      createdBy: this.actor(by, SERVICE_ACCOUNT_ID),
      itemId: null,
      inUserStream: false,
      userSource: groupMini(group),
      adminSource: groupMini(group),
      additionalDetails: { group: groupMini(group), user: userMini(user) },
      accessibleBy: userMini(user),
    });
  }
}

/** Box's roles, most powerful first. */
export const ROLE_RANK: readonly CollaborationRole[] = [
  'owner',
  'co-owner',
  'editor',
  'viewer uploader',
  'previewer uploader',
  'viewer',
  'previewer',
  'uploader',
];

/** Roles that may preview or download an item's content (uploaders see names only). */
export const READ_ROLES: readonly CollaborationRole[] = [
  'owner',
  'co-owner',
  'editor',
  'viewer uploader',
  'previewer uploader',
  'viewer',
  'previewer',
];

function upper(item: Item): string {
  return item.type === 'file' ? 'FILE' : 'FOLDER';
}
