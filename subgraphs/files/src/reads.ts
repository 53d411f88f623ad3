import {
  decodeCursor,
  encodeCursor,
  keyValues,
  listBinding,
  pageSize,
  toConnection,
  type Connection,
  type ListIdentity,
  type SortKey,
} from '@wrk/platform';
import { Prisma } from './__generated__/prisma/client.ts';
import type { BoxItem, FilesDb, KbChunk, ProjectDocument } from './db.ts';
import type { BoxCollaborationStatus, BoxPrincipalType } from './__generated__/prisma/enums.ts';
import { all } from './visibility.ts';

/**
 * Reads of files' tables in SQL, because the Box ACL rule (a join through the folder closure) is not expressible
 * as a Prisma `where`: one statement per loader batch and per list page (plus one per count), with the same
 * columns and types as Prisma's rows.
 */
interface Table<Row> {
  /** The FROM clause; the table's own rows are aliased `alias`. */
  from: Prisma.Sql;
  table: string;
  alias: string;
  columns: Prisma.Sql;
  /** Only for typing the rows. */
  row?: Row;
}

export const BOX_ITEMS: Table<BoxItem> = {
  from: Prisma.sql`"files"."box_items" b`,
  table: '"files"."box_items"',
  alias: 'b',
  columns: Prisma.sql`b.id, b.external_id AS "externalId", b.box_item_id AS "boxItemId", b.box_item_type::text AS "boxItemType",
    b.name, b.parent_box_folder_id AS "parentBoxFolderId", b.modified_at AS "modifiedAt", b.etag,
    b.sequence_id AS "sequenceId", b.item_status AS "itemStatus", b.size_bytes AS "sizeBytes", b.path,
    b.owner_box_user_id AS "ownerBoxUserId", b.shared_link AS "sharedLink", b.trashed_at AS "trashedAt", b.synced_at AS "syncedAt",
    b.actor, b.source_system AS "sourceSystem", b.created_at AS "createdAt", b.updated_at AS "updatedAt"`,
};

export const DOCUMENTS: Table<ProjectDocument> = {
  from: Prisma.sql`"files"."project_documents" d`,
  table: '"files"."project_documents"',
  alias: 'd',
  columns: Prisma.sql`d.id, d.external_id AS "externalId", d.entity_id AS "entityId", d.box_item_id AS "boxItemId", d.title,
    d.kind, d.archived_at AS "archivedAt", d.actor, d.source_system AS "sourceSystem", d.created_at AS "createdAt",
    d.updated_at AS "updatedAt"`,
};

/** A chunk with its document's entity, which decides (with the rest of the document) whether it is visible. */
export type ChunkRow = KbChunk & { documentEntityId: string | null };

export const CHUNKS: Table<ChunkRow> = {
  from: Prisma.sql`"files"."kb_index" k JOIN "files"."project_documents" d ON d.id = k.document_id`,
  table: '"files"."kb_index"',
  alias: 'k',
  columns: Prisma.sql`k.id, k.external_id AS "externalId", k.document_id AS "documentId", k.chunk_index AS "chunkIndex",
    k.content, k.archived_at AS "archivedAt", k.actor, k.source_system AS "sourceSystem", k.created_at AS "createdAt", k.updated_at AS "updatedAt",
    d.entity_id AS "documentEntityId"`,
};

/** The rows of a table matching every condition, in the given order (column names of the table, then id). */
export function selectRows<Row>(db: FilesDb, table: Table<Row>, conditions: Prisma.Sql[], orderBy: string[] = []): Promise<Row[]> {
  const order = [...orderBy, 'id'].map((column) => `${table.alias}.${column}`).join(', ');
  return db.$queryRaw<Row[]>`SELECT ${table.columns} FROM ${table.from} WHERE ${all(...conditions)} ORDER BY ${Prisma.raw(order)}`;
}

/** A count that runs only when awaited, like Prisma's: totalCount costs nothing unless selected. */
function lazy<T>(run: () => Promise<T>): PromiseLike<T> {
  let started: Promise<T> | undefined;
  return {
    then: (onFulfilled, onRejected) => (started ??= run()).then(onFulfilled, onRejected),
  };
}

/** A column a raw list is ordered by — ascending, never null: its SQL name and the row's field. */
export interface RawSortKey<Row> {
  column: string;
  field: keyof Row & string;
}

/**
 * One page of a table as a Relay connection, ordered by the given columns (ascending) then id, like the
 * platform's listPage: the signed cursor's sort key values bound the page (`(keys, id) > (cursor values)`, never
 * a lookup of the cursor's row), one extra row tells hasNextPage. The count uses the same conditions, so it
 * never counts a row the page would not show.
 */
export async function rawPage<Row extends { id: number }>(
  db: FilesDb,
  table: Table<Row>,
  conditions: Prisma.Sql[],
  orderBy: RawSortKey<Row>[],
  list: ListIdentity,
): Promise<Connection<Row>> {
  const take = pageSize(list.args.first);
  const sortKeys: SortKey[] = orderBy.map(({ field }) => ({ field, direction: 'asc' }));
  const binding = listBinding(list, sortKeys);
  const ours = Prisma.raw([...orderBy.map((key) => key.column), 'id'].map((column) => `${table.alias}.${column}`).join(', '));
  const after = list.args.after ? [Prisma.sql`(${ours}) > (${Prisma.join(decodeCursor(list.args.after, binding, orderBy.length))})`] : [];
  const rows = await db.$queryRaw<Row[]>`
    SELECT ${table.columns} FROM ${table.from} WHERE ${all(...conditions, ...after)} ORDER BY ${ours} LIMIT ${take + 1}`;
  const totalCount = lazy(async () => {
    const [counted] = await db.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM ${table.from} WHERE ${all(...conditions)}`;
    return counted?.count ?? 0;
  });
  const fields = orderBy.map((key) => key.field);
  return toConnection(rows, list.args, totalCount, (row) => encodeCursor(binding, keyValues(row, fields)));
}

/** A collaboration on an item or a folder above it, with its principal's mirrored name. */
export interface PermissionRow {
  /** The item it was asked for (Box ID). */
  itemBoxId: string;
  /** Where it is set: the item itself (depth 0) or a folder above it. */
  fromBoxItemId: string;
  depth: number;
  boxCollaborationId: string;
  principalType: BoxPrincipalType;
  principalId: string;
  principalName: string | null;
  principalLogin: string | null;
  role: string;
  status: BoxCollaborationStatus;
  expiresAt: Date | null;
}

/** Every collaboration on the items (by Box ID) or their folders, through the closure: nearest first. */
export function collaborationsOn(db: FilesDb, itemBoxIds: readonly string[]): Promise<PermissionRow[]> {
  return db.$queryRaw<PermissionRow[]>`
    SELECT a.item_box_id AS "itemBoxId", a.ancestor_box_id AS "fromBoxItemId", a.depth,
      c.box_collaboration_id AS "boxCollaborationId", c.principal_type::text AS "principalType", c.principal_id AS "principalId",
      COALESCE(u.name, g.name) AS "principalName", u.login AS "principalLogin", c.role, c.status::text AS status,
      c.expires_at AS "expiresAt"
    FROM "files"."box_item_ancestors" a
    JOIN "files"."box_collaborations" c ON c.box_item_id = a.ancestor_box_id
    LEFT JOIN "files"."box_users" u ON c.principal_type = 'user' AND u.box_user_id = c.principal_id
    LEFT JOIN "files"."box_groups" g ON c.principal_type = 'group' AND g.box_group_id = c.principal_id
    WHERE a.item_box_id = ANY(${[...itemBoxIds]}::text[])
    ORDER BY a.item_box_id, a.depth, c.box_collaboration_id`;
}
