/** The fake Box's records: what Box stores, in Box's terms (camelCase here, snake_case on the wire). */

export type ItemType = 'file' | 'folder';
export type ItemStatus = 'active' | 'trashed' | 'deleted';
export type CollaborationRole =
  'owner' | 'co-owner' | 'editor' | 'viewer uploader' | 'previewer uploader' | 'viewer' | 'previewer' | 'uploader';
export type CollaborationStatus = 'accepted' | 'pending' | 'rejected';

export interface User {
  id: string;
  name: string;
  login: string;
  /** Enterprise role: admins may read the admin event streams. */
  role: 'admin' | 'coadmin' | 'user';
  createdAt: Date;
  modifiedAt: Date;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  modifiedAt: Date;
}

export interface Membership {
  id: string;
  groupId: string;
  userId: string;
  role: 'member' | 'admin';
  createdAt: Date;
  modifiedAt: Date;
}

export interface SharedLink {
  url: string;
  access: 'open' | 'company' | 'collaborators';
  effectiveAccess: 'open' | 'company' | 'collaborators';
  effectivePermission: 'can_edit' | 'can_download' | 'can_preview' | 'no_access';
}

export interface Item {
  type: ItemType;
  id: string;
  name: string;
  /** null only for the root folder "0". */
  parentId: string | null;
  ownerId: string;
  description: string;
  createdAt: Date;
  modifiedAt: Date;
  /** Bumped on every change of the item; sequence_id and etag are its decimal text (null for folder 0). */
  version: number;
  /** Files only: the bytes served by /content. */
  content: Buffer | null;
  status: ItemStatus;
  /** Set on the item the caller trashed; its descendants are trashed with it. */
  trashedAt: Date | null;
  /** Which trash operation hid this item (the trashed ancestor's id), so a restore brings back only what it hid. */
  trashedBy: string | null;
  sharedLink: SharedLink | null;
}

export interface Collaboration {
  id: string;
  itemId: string;
  accessibleBy: { type: 'user' | 'group'; id: string };
  role: CollaborationRole;
  status: CollaborationStatus;
  expiresAt: Date | null;
  isAccessOnly: boolean;
  inviteEmail: string | null;
  createdBy: string;
  createdAt: Date;
  modifiedAt: Date;
}

export interface Webhook {
  id: string;
  target: { id: string; type: ItemType };
  address: string;
  triggers: string[];
  createdBy: string;
  createdAt: Date;
}

/** A JSON value as sent on the wire. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One entry of the event log; streams select from it by position. */
export interface StoredEvent {
  /** Index in the log + 1: stream positions are "after N events". */
  position: number;
  eventId: string;
  eventType: string;
  createdAt: Date;
  createdBy: JsonObject;
  /** The item the event is about (user streams show it to users who can access the item). */
  itemId: string | null;
  /** Whether user streams (`changes`, `all`) show it; the admin streams show everything. */
  inUserStream: boolean;
  /** `source` as user streams show it (the full item, a collaboration...). */
  userSource: JsonObject;
  /** `source` as admin streams show it (item_type/item_id/item_name/parent/owned_by for items). */
  adminSource: JsonObject;
  additionalDetails: JsonObject | null;
  accessibleBy: JsonObject | null;
}

/** A state change a webhook may be triggered by. */
export interface Change {
  trigger: string;
  /** The item whose webhooks (and ancestors' folder webhooks) fire. */
  itemId: string;
  /** Folders above the item before and after the change: a move fires the webhooks of both places. */
  ancestorIds: string[];
  source: JsonObject;
  createdBy: JsonObject;
  additionalInfo: Json;
  createdAt: Date;
}
