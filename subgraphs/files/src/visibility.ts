import { seesEverything, type Claims } from '@wrk/platform';
import { Prisma } from './__generated__/prisma/client.ts';
import { boxUserOf } from './boxUser.ts';

/**
 * Row-level visibility of files, as SQL conditions built once per request from the verified claims. Every read
 * path — lists and their counts, by-ID loaders, relationships, references — is built on them, so none can leak.
 *
 * A document is shown only when BOTH sides allow it:
 * - Box: a Box item is visible when the caller's Box user is a `user` principal of its projected ACL
 *   (`box_items.permissions`) or of the ACL of any folder above it (walked up parent_box_folder_id → box_item_id).
 *   `group` principals never match yet: Box group memberships are not mirrored. Agent tokens carry the issuing
 *   user's Box user (`boxUserOf`); a caller without one sees no Box item.
 * - WRK: a document of a project is visible only when core shows the project to the caller (asked per request,
 *   batched, by the owner loader) — checked after the SQL for by-ID reads, folded into the SQL for lists.
 * A document with neither a Box item nor a project is shown to nobody but admins (deny by default).
 * Chunks follow their document. Admins and the platform itself see every row; anonymous callers none; agent
 * allowlists narrow everything to the allowed entities (a document or chunk also through its project's ID).
 */

const TRUE = Prisma.sql`TRUE`;
const FALSE = Prisma.sql`FALSE`;

const any = (...conditions: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(conditions, ' OR ')})`;
export const all = (...conditions: Prisma.Sql[]) => Prisma.sql`(${Prisma.join(conditions, ' AND ')})`;

/** `column` is one of the IDs (a text[] parameter); false for an empty list. */
export const inList = (column: Prisma.Sql, ids: readonly string[]) =>
  ids.length ? Prisma.sql`${column} = ANY(${[...ids]}::text[])` : FALSE;

/**
 * Whether the Box ACL lets the caller see the box_items row aliased `alias`: one recursive walk up its folders
 * per row, inside the statement (UNION stops on a cycle in mirrored data). The aliases used inside (acl_*) must
 * not be used by the enclosing query.
 */
function boxAclAllows(claims: Claims, alias: string): Prisma.Sql {
  if (claims.kind === 'anonymous') return FALSE;
  if (seesEverything(claims)) return TRUE;
  const boxUserId = boxUserOf(claims);
  if (!boxUserId) return FALSE;
  const item = Prisma.raw(alias);
  return Prisma.sql`EXISTS (
    WITH RECURSIVE acl_chain (box_item_id, parent_box_folder_id, permissions) AS (
      VALUES (${item}.box_item_id, ${item}.parent_box_folder_id, ${item}.permissions)
      UNION
      SELECT acl_parent.box_item_id, acl_parent.parent_box_folder_id, acl_parent.permissions
      FROM acl_chain JOIN "files"."box_items" acl_parent ON acl_parent.box_item_id = acl_chain.parent_box_folder_id
    )
    SELECT 1 FROM acl_chain CROSS JOIN LATERAL jsonb_array_elements(acl_chain.permissions) AS acl_entry(principal)
    WHERE acl_entry.principal->>'principalType' = 'user' AND acl_entry.principal->>'principalId' = ${boxUserId}
  )`;
}

/** The agent allowlist as a condition: true without one, else one of the given columns is allowed. */
function allowlisted(claims: Claims, ...columns: string[]): Prisma.Sql {
  const allow = claims.allow;
  if (!allow?.length) return TRUE;
  return any(...columns.map((column) => inList(Prisma.raw(column), allow)));
}

export interface FilesVisibility {
  /** Sees every row: no project check needed. */
  everything: boolean;
  /** box_items aliased `b`. */
  boxItem: Prisma.Sql;
  /** project_documents aliased `d`, by the Box and allowlist rules; the project rule comes on top (`projectIn`). */
  document: Prisma.Sql;
  /** project_documents aliased `d` by the Box rule alone: whose projects a list asks core about. */
  documentBase: Prisma.Sql;
  /** kb_index aliased `k` joined with its document aliased `d`; the project rule comes on top. */
  chunk: Prisma.Sql;
  /** box_webhook_events (the raw integration log): admins and the platform only. */
  webhookEvent: object;
  /** The project rule for lists: `d` has no project or one of these (visible) projects. */
  projectIn(projectIds: readonly string[]): Prisma.Sql;
}

export function filesVisibility(claims: Claims): FilesVisibility {
  const everything = seesEverything(claims);
  const documentBase =
    claims.kind === 'anonymous'
      ? FALSE
      : everything
        ? Prisma.sql`d.archived_at IS NULL`
        : // Deny by default: a document with neither a Box item nor a project has no rule that could show it.
          Prisma.sql`(d.archived_at IS NULL AND (d.box_item_id IS NOT NULL OR d.project_id IS NOT NULL) AND (d.box_item_id IS NULL OR EXISTS (
            SELECT 1 FROM "files"."box_items" doc_item WHERE doc_item.id = d.box_item_id AND ${boxAclAllows(claims, 'doc_item')})))`;
  return {
    everything,
    boxItem: all(boxAclAllows(claims, 'b'), allowlisted(claims, 'b.external_id')),
    document: all(documentBase, allowlisted(claims, 'd.external_id', 'd.project_id')),
    documentBase,
    chunk: all(documentBase, allowlisted(claims, 'k.external_id', 'd.external_id', 'd.project_id')),
    webhookEvent:
      everything && claims.kind !== 'anonymous' ? (claims.allow?.length ? { externalId: { in: claims.allow } } : {}) : { id: { lt: 0 } },
    projectIn: (projectIds) => (everything ? TRUE : any(Prisma.sql`d.project_id IS NULL`, inList(Prisma.sql`d.project_id`, projectIds))),
  };
}
