import { groupLoader, rowLoader, rowsByKeys, type Claims, type Delegate, type ConnectionArgs } from '@wrk/platform';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import { Prisma } from './__generated__/prisma/client.ts';
import type { FilesDb } from './db.ts';
import { BOX_ITEMS, CHUNKS, DOCUMENTS, collaborationsOn, rawPage, selectRows } from './reads.ts';
import { searchChunks, type SearchArgs } from './search.ts';
import { filesVisibility, inList } from './visibility.ts';

/**
 * Per-request DataLoaders: every relationship and reference loads in one batched statement per tick, limited to
 * the rows the caller may see (see visibility.ts). Documents and chunks are then kept only when core shows their
 * entity to the caller: one request to core per tick, whatever the number of rows.
 */
export function createLoaders(db: FilesDb, ownerUrls: OwnerUrls, claims: Claims, delegate: Delegate) {
  const visible = filesVisibility(claims);
  /** Does core show the entity to the caller? By the WRK rules alone: files applies the allowlist itself. */
  const entityVisible = ownerExistenceLoader(ownerUrls, delegate, { withoutAllowlist: true });

  /** The rows whose entity the caller may see (the SQL already refused rows without one to non-admins). */
  async function withVisibleEntity<Row>(rows: Row[], entityOf: (row: Row) => string | null): Promise<Row[]> {
    if (visible.everything) return rows;
    const keep = await Promise.all(
      rows.map(async (row) => {
        const entity = entityOf(row);
        return entity !== null && entityVisible.load(entity);
      }),
    );
    return rows.filter((_, index) => keep[index]);
  }

  /** The entities among these that core shows the caller: one batched request. */
  async function shownAmong(entityIds: string[]): Promise<string[]> {
    const shown = await Promise.all(entityIds.map((id) => entityVisible.load(id)));
    return entityIds.filter((_, index) => shown[index]);
  }

  /** The entities core shows the caller among those of the documents the Box rule lets them see (for lists). */
  async function visibleEntityIds(): Promise<string[]> {
    if (visible.everything) return [];
    const rows = await db.$queryRaw<{ entityId: string }[]>`
      SELECT DISTINCT d.entity_id AS "entityId" FROM "files"."project_documents" d
      WHERE d.entity_id IS NOT NULL AND ${visible.documentBase}`;
    return shownAmong(rows.map((row) => row.entityId));
  }

  /** The visible Box items by each of their keys, sharing reads: see rowsByKeys. */
  const boxItems = rowsByKeys((conditions: Prisma.Sql[]) =>
    selectRows(db, BOX_ITEMS, [Prisma.sql`(${Prisma.join(conditions, ' OR ')})`, visible.boxItem]),
  );
  const documents = async (condition: Prisma.Sql) =>
    withVisibleEntity(await selectRows(db, DOCUMENTS, [condition, visible.document], ['id']), (row) => row.entityId);
  const chunks = async (condition: Prisma.Sql) =>
    withVisibleEntity(await selectRows(db, CHUNKS, [condition, visible.chunk], ['chunk_index']), (row) => row.documentEntityId);
  const intIn = (column: string, ids: readonly number[]) => Prisma.sql`${Prisma.raw(column)} = ANY(${[...ids]}::int[])`;
  const textIn = (column: string, ids: readonly string[]) => inList(Prisma.raw(column), ids);

  return {
    /** Whether an entity of another subgraph exists and the caller may see it (writes check references with it). */
    existsAtOwner: ownerExistenceLoader(ownerUrls, delegate),
    /** The same by the WRK rules alone, for the owning entity of a document (files applies the allowlist itself). */
    entityVisible,

    boxItem: boxItems.by(
      (row) => row.externalId,
      (ids: string[]) => textIn('b.external_id', ids),
    ),
    projectDocument: rowLoader(
      (ids: string[]) => documents(textIn('d.external_id', ids)),
      (row) => row.externalId,
    ),
    kbChunk: rowLoader(
      (ids: string[]) => chunks(textIn('k.external_id', ids)),
      (row) => row.externalId,
    ),
    boxWebhookEvent: rowLoader(
      (ids: string[]) => db.boxWebhookEvent.findMany({ where: { AND: [{ externalId: { in: ids } }, visible.webhookEvent] } }),
      (row) => row.externalId,
    ),

    boxItemById: boxItems.by(
      (row) => row.id,
      (ids: number[]) => intIn('b.id', ids),
    ),
    /** By Box's own ID (box_item_id), e.g. an item's parent folder. */
    boxItemByBoxId: boxItems.by(
      (row) => row.boxItemId,
      (boxIds: string[]) => textIn('b.box_item_id', boxIds),
    ),
    projectDocumentById: rowLoader(
      (ids: number[]) => documents(intIn('d.id', ids)),
      (row) => row.id,
    ),
    /** Mirrored Box users and groups by Box ID (owners and collaborators are shown by name). */
    boxUser: rowLoader(
      (boxIds: string[]) => db.boxUser.findMany({ where: { boxUserId: { in: boxIds } } }),
      (row) => row.boxUserId,
    ),
    boxGroup: rowLoader(
      (boxIds: string[]) => db.boxGroup.findMany({ where: { boxGroupId: { in: boxIds } } }),
      (row) => row.boxGroupId,
    ),
    /** The collaborations on an item (by Box ID) and on every folder above it, nearest first. */
    permissionsByBoxItem: groupLoader(
      (boxIds: string[]) => collaborationsOn(db, boxIds),
      (row) => row.itemBoxId,
    ),

    documentsByBoxItem: groupLoader(
      (ids: number[]) => documents(intIn('d.box_item_id', ids)),
      (row) => row.boxItemId,
    ),
    /** By the owning core entity's external ID (prj_, ctr_, …). */
    documentsByEntity: groupLoader(
      (entityIds: string[]) => documents(textIn('d.entity_id', entityIds)),
      (row) => row.entityId,
    ),
    chunksByDocument: groupLoader(
      (ids: number[]) => chunks(intIn('k.document_id', ids)),
      (row) => row.documentId,
    ),

    /** The lists, with counts that agree with their pages. */
    lists: {
      boxItems: (args: ConnectionArgs) =>
        rawPage(db, BOX_ITEMS, [visible.boxItem], [{ column: 'name', field: 'name' }], { list: 'Query.boxItems', args }),
      projectDocuments: async (args: ConnectionArgs) =>
        rawPage(db, DOCUMENTS, [visible.document, visible.entityIn(await visibleEntityIds())], [{ column: 'title', field: 'title' }], {
          list: 'Query.projectDocuments',
          args,
        }),
      kbChunks: async (args: ConnectionArgs) =>
        rawPage(
          db,
          CHUNKS,
          [visible.chunk, visible.entityIn(await visibleEntityIds())],
          [
            { column: 'document_id', field: 'documentId' },
            { column: 'chunk_index', field: 'chunkIndex' },
          ],
          { list: 'Query.kbChunks', args },
        ),
      /** Core is asked only about the entities of the visible matching chunks, after the search statement. */
      searchDocuments: (search: SearchArgs) =>
        searchChunks(db, search, {
          chunk: visible.searchChunk,
          shownEntities: visible.everything ? null : shownAmong,
          boxItem: visible.boxItem,
        }),
      boxWebhookEventsWhere: visible.webhookEvent,
    },
  };
}

export type FilesLoaders = ReturnType<typeof createLoaders>;
