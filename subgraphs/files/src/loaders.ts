import { groupLoader, rowLoader } from '@wrk/platform';
import type { FilesDb } from './db.ts';

const notArchived = { archivedAt: null };
/** Chunks are visible while their document is. */
const documentNotArchived = { document: notArchived };

/** Per-request DataLoaders: every relationship and reference loads in one batched query per tick. */
export function createLoaders(db: FilesDb, ..._rest: unknown[]) {
  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.id);

  return {
    boxItem: byExternalId((ids) => db.boxItem.findMany({ where: { externalId: { in: ids } } })),
    projectDocument: byExternalId((ids) => db.projectDocument.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    kbChunk: byExternalId((ids) => db.kbChunk.findMany({ where: { externalId: { in: ids }, ...documentNotArchived } })),
    boxWebhookEvent: byExternalId((ids) => db.boxWebhookEvent.findMany({ where: { externalId: { in: ids } } })),

    boxItemById: byId((ids) => db.boxItem.findMany({ where: { id: { in: ids } } })),
    /** By Box's own ID (box_item_id), e.g. an item's parent folder. */
    boxItemByBoxId: rowLoader(
      (boxIds: string[]) => db.boxItem.findMany({ where: { boxItemId: { in: boxIds } } }),
      (row) => row.boxItemId,
    ),
    projectDocumentById: byId((ids) => db.projectDocument.findMany({ where: { id: { in: ids }, ...notArchived } })),

    documentsByBoxItem: groupLoader(
      (ids: number[]) =>
        db.projectDocument.findMany({ where: { boxItemId: { in: ids }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.boxItemId!,
    ),
    /** By core's project external ID (prj_…). */
    documentsByProject: groupLoader(
      (projectIds: string[]) =>
        db.projectDocument.findMany({ where: { projectId: { in: projectIds }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.projectId!,
    ),
    chunksByDocument: groupLoader(
      (ids: number[]) => db.kbChunk.findMany({ where: { documentId: { in: ids } }, orderBy: { chunkIndex: 'asc' } }),
      (row) => row.documentId,
    ),
  };
}

export type FilesLoaders = ReturnType<typeof createLoaders>;
export type FilesRowLoaderName = 'boxItem' | 'projectDocument' | 'kbChunk' | 'boxWebhookEvent';
