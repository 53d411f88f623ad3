import { groupLoader, rowLoader, type Claims, type Delegate, type ConnectionArgs } from '@wrk/platform';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import { Prisma } from './__generated__/prisma/client.ts';
import type { FilesDb } from './db.ts';
import { BOX_ITEMS, CHUNKS, DOCUMENTS, rawPage, selectRows } from './reads.ts';
import { filesVisibility, inList } from './visibility.ts';

/**
 * Per-request DataLoaders: every relationship and reference loads in one batched statement per tick, limited to
 * the rows the caller may see (see visibility.ts). Documents and chunks are then kept only when core shows their
 * project to the caller: one request to core per tick, whatever the number of rows.
 */
export function createLoaders(db: FilesDb, ownerUrls: OwnerUrls, claims: Claims, delegate: Delegate) {
  const visible = filesVisibility(claims);
  /** Does core show the project to the caller? By the WRK rules alone: files applies the allowlist itself. */
  const projectVisible = ownerExistenceLoader(ownerUrls, delegate, { withoutAllowlist: true });

  /** The rows whose project (if any) the caller may see. */
  async function withVisibleProject<Row>(rows: Row[], projectOf: (row: Row) => string | null): Promise<Row[]> {
    if (visible.everything) return rows;
    const keep = await Promise.all(
      rows.map(async (row) => {
        const project = projectOf(row);
        return project === null || projectVisible.load(project);
      }),
    );
    return rows.filter((_, index) => keep[index]);
  }

  /** The projects core shows the caller among those of the documents the Box rule lets them see (for lists). */
  async function visibleProjectIds(): Promise<string[]> {
    if (visible.everything) return [];
    const rows = await db.$queryRaw<{ projectId: string }[]>`
      SELECT DISTINCT d.project_id AS "projectId" FROM "files"."project_documents" d
      WHERE d.project_id IS NOT NULL AND ${visible.documentBase}`;
    const ids = rows.map((row) => row.projectId);
    const shown = await Promise.all(ids.map((id) => projectVisible.load(id)));
    return ids.filter((_, index) => shown[index]);
  }

  const boxItems = (condition: Prisma.Sql) => selectRows(db, BOX_ITEMS, [condition, visible.boxItem]);
  const documents = async (condition: Prisma.Sql) =>
    withVisibleProject(await selectRows(db, DOCUMENTS, [condition, visible.document], ['id']), (row) => row.projectId);
  const chunks = async (condition: Prisma.Sql) =>
    withVisibleProject(await selectRows(db, CHUNKS, [condition, visible.chunk], ['chunk_index']), (row) => row.documentProjectId);
  const intIn = (column: string, ids: readonly number[]) => Prisma.sql`${Prisma.raw(column)} = ANY(${[...ids]}::int[])`;
  const textIn = (column: string, ids: readonly string[]) => inList(Prisma.raw(column), ids);

  return {
    /** Whether an entity of another subgraph exists and the caller may see it (writes check references with it). */
    existsAtOwner: ownerExistenceLoader(ownerUrls, delegate),

    boxItem: rowLoader(
      (ids: string[]) => boxItems(textIn('b.external_id', ids)),
      (row) => row.externalId,
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

    boxItemById: rowLoader(
      (ids: number[]) => boxItems(intIn('b.id', ids)),
      (row) => row.id,
    ),
    /** By Box's own ID (box_item_id), e.g. an item's parent folder. */
    boxItemByBoxId: rowLoader(
      (boxIds: string[]) => boxItems(textIn('b.box_item_id', boxIds)),
      (row) => row.boxItemId,
    ),
    /** Whether Box's ID is mirrored at all, visible or not: a second mirror of it would conflict. */
    mirroredBoxItem: rowLoader(
      (boxIds: string[]) => db.boxItem.findMany({ where: { boxItemId: { in: boxIds } } }),
      (row) => row.boxItemId,
    ),
    projectDocumentById: rowLoader(
      (ids: number[]) => documents(intIn('d.id', ids)),
      (row) => row.id,
    ),

    documentsByBoxItem: groupLoader(
      (ids: number[]) => documents(intIn('d.box_item_id', ids)),
      (row) => row.boxItemId,
    ),
    /** By core's project external ID (prj_…). */
    documentsByProject: groupLoader(
      (projectIds: string[]) => documents(textIn('d.project_id', projectIds)),
      (row) => row.projectId,
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
        rawPage(db, DOCUMENTS, [visible.document, visible.projectIn(await visibleProjectIds())], [{ column: 'title', field: 'title' }], {
          list: 'Query.projectDocuments',
          args,
        }),
      kbChunks: async (args: ConnectionArgs) =>
        rawPage(
          db,
          CHUNKS,
          [visible.chunk, visible.projectIn(await visibleProjectIds())],
          [
            { column: 'document_id', field: 'documentId' },
            { column: 'chunk_index', field: 'chunkIndex' },
          ],
          { list: 'Query.kbChunks', args },
        ),
      boxWebhookEventsWhere: visible.webhookEvent,
    },
  };
}

export type FilesLoaders = ReturnType<typeof createLoaders>;
