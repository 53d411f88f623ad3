import { seesEverything, type Claims } from '@wrk/platform';
import { Prisma } from './__generated__/prisma/client.ts';
import { boxUserOf } from './boxUser.ts';

/**
 * Row-level visibility of files, as SQL conditions built once per request from the verified claims. Every read
 * path — lists and their counts, search, by-ID loaders, relationships, references — is built on them, so none
 * can leak.
 *
 * Box (deny by default): the caller's Box user (`boxUserOf`) may read a live (not trashed, status active) Box
 * item when they own it, or when an accepted, unexpired collaboration with a reading role is on the item or any
 * folder above it (box_item_ancestors, the item itself at depth 0) for them or a group they are in (memberships
 * joined at query time). Pending, rejected and expired collaborations and the `uploader` role grant nothing. A
 * caller without a Box user sees no Box item; agents carry their user's Box user.
 * WRK: a document belongs to a core entity (entity_id), and is visible only when core shows that entity to the
 * caller (asked per request, batched, by the owner loader) — checked after the SQL for by-ID reads, folded
 * into the SQL for lists and search. A document needs both: one without a Box item or without an entity is
 * shown to nobody but admins. Chunks follow their document. Admins and the platform see every row; anonymous
 * callers none; agent allowlists narrow everything to the allowed entities (a document or chunk also through
 * its entity's ID).
 * Search applies the same rules to search_chunks (`searchChunk`), a copy of each live chunk with its document's
 * entity and its Box item's owner, liveness and closure, kept in step by triggers (migration 20261202070020).
 */

const TRUE = Prisma.sql`TRUE`;
const FALSE = Prisma.sql`FALSE`;

/** Box roles that can read an item's content (`uploader` can only upload). */
export const READING_ROLES = ['owner', 'co-owner', 'editor', 'viewer uploader', 'viewer', 'previewer', 'previewer uploader'] as const;

const any = (...conditions: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(conditions, ' OR ')})`;
export const all = (...conditions: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(conditions, ' AND ')})`;

/** `column` is one of the IDs (a text[] parameter); false for an empty list. */
export const inList = (column: Prisma.Sql, ids: readonly string[]) =>
  ids.length ? Prisma.sql`${column} = ANY(${[...ids]}::text[])` : FALSE;

/**
 * The collaborations aliased `alias` that give `boxUserId` read access: accepted, unexpired, a reading role, for
 * the user or one of their groups.
 */
export function grantsReadTo(boxUserId: string, alias: string): Prisma.Sql {
  const c = Prisma.raw(alias);
  return Prisma.sql`(${c}.status = 'accepted' AND (${c}.expires_at IS NULL OR ${c}.expires_at > now())
    AND ${c}.role = ANY(${[...READING_ROLES]}::text[])
    AND ((${c}.principal_type = 'user' AND ${c}.principal_id = ${boxUserId})
      OR (${c}.principal_type = 'group' AND ${c}.principal_id IN (
        SELECT acl_m.box_group_id FROM "files"."box_group_memberships" acl_m WHERE acl_m.box_user_id = ${boxUserId}))))`;
}

/**
 * Whether `boxUserId` may read the box_items row aliased `alias`. The folders whose collaborations reach the caller
 * are an uncorrelated ARRAY(subquery): an InitPlan, computed once per statement. (As a plain `IN (subquery)` the
 * planner may re-run the collaborations scan for every row checked: 15,000 times for a common search word.) Each row
 * then needs only its own closure rows (an index-only scan of the primary key), whatever the depth, checked against
 * the array as a filter: `|| ''` keeps the array out of the index condition, where Postgres would sort it again
 * for every row probed (about 40% of the probe's time with 54 granted folders). The aliases used inside (acl_*)
 * must not be used by the enclosing query.
 */
export function boxAccess(boxUserId: string, alias: string): Prisma.Sql {
  const item = Prisma.raw(alias);
  return Prisma.sql`(${item}.trashed_at IS NULL AND ${item}.item_status = 'active' AND (${item}.owner_box_user_id = ${boxUserId} OR EXISTS (
    SELECT 1 FROM "files"."box_item_ancestors" acl_a WHERE acl_a.item_box_id = ${item}.box_item_id AND (acl_a.ancestor_box_id || '') = ANY(ARRAY(
      SELECT acl_c.box_item_id FROM "files"."box_collaborations" acl_c WHERE ${grantsReadTo(boxUserId, 'acl_c')})))))`;
}

/**
 * Whether `boxUserId` may read the chunk of the search_chunks row aliased `s`, which carries its Box item's owner,
 * liveness and closure (`access`: box_items.id of the item and of every folder above it): one integer array overlap
 * with the items whose collaborations reach the caller (an InitPlan, computed once per statement), no lookup per row.
 */
export function searchAccess(boxUserId: string): Prisma.Sql {
  return Prisma.sql`(s.live AND (s.owner_box_user_id = ${boxUserId} OR s.access && ARRAY(
    SELECT acl_b.id FROM "files"."box_collaborations" acl_c JOIN "files"."box_items" acl_b ON acl_b.box_item_id = acl_c.box_item_id
    WHERE ${grantsReadTo(boxUserId, 'acl_c')})))`;
}

/** The Box rule for the caller on the box_items row aliased `alias`. */
function boxAclAllows(claims: Claims, alias: string): Prisma.Sql {
  if (claims.kind === 'anonymous') return FALSE;
  if (seesEverything(claims)) return TRUE;
  const boxUserId = boxUserOf(claims);
  return boxUserId === null ? FALSE : boxAccess(boxUserId, alias);
}

/** The agent allowlist as a condition: true without one, else one of the given columns is allowed. */
function allowlisted(claims: Claims, ...columns: string[]): Prisma.Sql {
  const allow = claims.allow;
  if (!allow?.length) return TRUE;
  return any(...columns.map((column) => inList(Prisma.raw(column), allow)));
}

export interface FilesVisibility {
  /** Sees every row: no entity check needed. */
  everything: boolean;
  /** box_items aliased `b`. */
  boxItem: Prisma.Sql;
  /** project_documents aliased `d`, by the Box and allowlist rules; the entity rule comes on top (`entityIn`). */
  document: Prisma.Sql;
  /** project_documents aliased `d` by the Box rule alone: whose entities a list asks core about. */
  documentBase: Prisma.Sql;
  /** kb_index aliased `k` joined with its document aliased `d`; the entity rule comes on top. */
  chunk: Prisma.Sql;
  /** search_chunks aliased `s` (live chunks of live documents), by the same rules as `chunk`; the entity rule comes on top. */
  searchChunk: Prisma.Sql;
  /** box_webhook_events (the raw integration log): admins and the platform only. */
  webhookEvent: object;
  /** The entity rule for lists: `d` belongs to one of these (visible) entities. */
  entityIn(entityIds: readonly string[]): Prisma.Sql;
}

export function filesVisibility(claims: Claims): FilesVisibility {
  const everything = seesEverything(claims);
  const documentBase =
    claims.kind === 'anonymous'
      ? FALSE
      : everything
        ? Prisma.sql`d.archived_at IS NULL`
        : // Deny by default: both the entity and the Box item must vouch for the caller.
          Prisma.sql`(d.archived_at IS NULL AND d.entity_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM "files"."box_items" doc_item WHERE doc_item.id = d.box_item_id AND ${boxAclAllows(claims, 'doc_item')}))`;
  return {
    everything,
    boxItem: all(boxAclAllows(claims, 'b'), allowlisted(claims, 'b.external_id')),
    document: all(documentBase, allowlisted(claims, 'd.external_id', 'd.entity_id')),
    documentBase,
    chunk: all(Prisma.sql`k.archived_at IS NULL`, documentBase, allowlisted(claims, 'k.external_id', 'd.external_id', 'd.entity_id')),
    searchChunk: all(searchChunkBase(claims), allowlisted(claims, 's.chunk_external_id', 's.document_external_id', 's.entity_id')),
    webhookEvent:
      everything && claims.kind !== 'anonymous' ? (claims.allow?.length ? { externalId: { in: claims.allow } } : {}) : { id: { lt: 0 } },
    entityIn: (entityIds) => (everything ? TRUE : inList(Prisma.sql`d.entity_id`, entityIds)),
  };
}

/** The Box rule on search_chunks `s`: like `documentBase`, both an entity and a Box item the caller reads. */
function searchChunkBase(claims: Claims): Prisma.Sql {
  if (claims.kind === 'anonymous') return FALSE;
  if (seesEverything(claims)) return TRUE;
  const boxUserId = boxUserOf(claims);
  return boxUserId === null ? FALSE : Prisma.sql`(s.entity_id IS NOT NULL AND ${searchAccess(boxUserId)})`;
}
