import { DEMO } from '@wrk/demo';
import type { FilesDb } from './db.ts';

const by = { actor: 'seed', sourceSystem: 'seed' };

/** External IDs of the demo rows of this slice (deterministic, so saved queries keep working). */
export const FILES_DEMO = {
  contractsFolder: DEMO.boxItems.contractsFolder,
  acmeMsaFile: DEMO.boxItems.acmeMsaFile,
  acmeMsaDocument: DEMO.projectDocuments.acmeMsa,
  acmeMsaChunks: [DEMO.kbChunks.msa0, DEMO.kbChunks.msa1],
} as const;

export interface FilesSeedIds {
  /** The core project (prj_…) the demo document belongs to. */
  projectId: string;
}

export interface SeededFiles {
  boxFolderId: string;
  boxFileId: string;
  projectDocumentId: string;
  kbChunkIds: string[];
}

/** Projected Box ACL of the demo items: the demo admin (Box user 1001) and staff member (1002). */
const demoAcl = [
  { principalType: 'user', principalId: '1001', role: 'co-owner' },
  { principalType: 'user', principalId: '1002', role: 'editor' },
];

/**
 * A small coherent demo set, once: a Box folder "Acme Contracts" with the signed MSA inside, the MSA as a
 * document of the given project, and its text in two chunks. Does nothing (null) when the slice has Box items.
 */
export async function seedFiles(db: FilesDb, ids: FilesSeedIds = { projectId: DEMO.projects.platform }): Promise<SeededFiles | null> {
  if ((await db.boxItem.count()) > 0 || (await db.projectDocument.count()) > 0) return null;
  await db.$transaction(async (tx) => {
    await tx.boxItem.create({
      data: {
        externalId: FILES_DEMO.contractsFolder,
        boxItemId: '318000000001',
        boxItemType: 'folder',
        name: 'Acme Contracts',
        parentBoxFolderId: '0',
        permissions: demoAcl,
        modifiedAt: new Date('2026-08-28T16:04:00Z'),
        etag: '3',
        sequenceId: '3',
        ...by,
      },
    });
    const file = await tx.boxItem.create({
      data: {
        externalId: FILES_DEMO.acmeMsaFile,
        boxItemId: '1450000000001',
        boxItemType: 'file',
        name: 'Acme MSA 2026.pdf',
        parentBoxFolderId: '318000000001',
        permissions: demoAcl,
        modifiedAt: new Date('2026-08-28T16:03:12Z'),
        etag: '1',
        sequenceId: '1',
        sizeBytes: 482_133n,
        ...by,
      },
    });
    await tx.boxWebhookEvent.create({
      data: {
        externalId: DEMO.boxWebhookEvents.msaUploaded,
        boxEventId: 'f1a2b3c4-0000-4000-8000-000000000001',
        deliveryId: 'd1a2b3c4-0000-4000-8000-000000000001',
        trigger: 'FILE.UPLOADED',
        sourceType: 'file',
        sourceId: '1450000000001',
        payload: {
          type: 'webhook_event',
          id: 'f1a2b3c4-0000-4000-8000-000000000001',
          trigger: 'FILE.UPLOADED',
          source: { type: 'file', id: '1450000000001' },
        },
        receivedAt: new Date('2026-08-28T16:03:15Z'),
        processedAt: new Date('2026-08-28T16:03:16Z'),
        actor: 'box-webhook',
        sourceSystem: 'box-sync',
      },
    });
    const document = await tx.projectDocument.create({
      data: {
        externalId: FILES_DEMO.acmeMsaDocument,
        projectId: ids.projectId,
        boxItemId: file.id,
        title: 'Acme Master Services Agreement 2026 (signed)',
        kind: 'contract',
        ...by,
      },
    });
    await tx.kbChunk.createMany({
      data: [
        {
          externalId: FILES_DEMO.acmeMsaChunks[0],
          documentId: document.id,
          chunkIndex: 0,
          content:
            'This Master Services Agreement is entered into by Acme Corporation ("Client") for the rollout and support ' +
            'of the WRK platform. It takes effect on 1 September 2026 and ends on 31 August 2027.',
          ...by,
        },
        {
          externalId: FILES_DEMO.acmeMsaChunks[1],
          documentId: document.id,
          chunkIndex: 1,
          content:
            'Fees: EUR 120,000.00, invoiced quarterly in advance and payable net 30. The supplier reports monthly on ' +
            'status. Personal data is processed under the GDPR data processing addendum.',
          ...by,
        },
      ],
    });
  });
  return {
    boxFolderId: FILES_DEMO.contractsFolder,
    boxFileId: FILES_DEMO.acmeMsaFile,
    projectDocumentId: FILES_DEMO.acmeMsaDocument,
    kbChunkIds: [...FILES_DEMO.acmeMsaChunks],
  };
}
