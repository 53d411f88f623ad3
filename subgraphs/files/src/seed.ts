import { DEMO } from '@wrk/demo';
import { LONG_TRANSACTION } from '@wrk/platform';
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

const CONTRACTS_FOLDER_BOX_ID = '318000000001';
const MSA_FILE_BOX_ID = '1450000000001';

/**
 * The demo's Box state as the sync would mirror it from the fake Box: the demo admin (Box user 1001) owns the
 * Acme Contracts folder and its file, the "Contracts" Box group holds the staff member (1002) and has the folder
 * as editor; the restricted user (1003) has a pending invitation as viewer, which grants nothing.
 */
const DEMO_BOX = {
  users: [
    { boxUserId: '1001', name: 'Avery Admin', login: 'admin@wrk.demo' },
    { boxUserId: '1002', name: 'Sam Staff', login: 'staff@wrk.demo' },
    { boxUserId: '1003', name: 'Riley Restricted', login: 'restricted@wrk.demo' },
  ],
  groups: [{ boxGroupId: '5001', name: 'Contracts' }],
  memberships: [{ boxMembershipId: '6001', boxGroupId: '5001', boxUserId: '1002' }],
  collaborations: [
    {
      boxCollaborationId: '7001',
      boxItemId: CONTRACTS_FOLDER_BOX_ID,
      principalType: 'group',
      principalId: '5001',
      role: 'editor',
      status: 'accepted',
    },
    {
      boxCollaborationId: '7002',
      boxItemId: CONTRACTS_FOLDER_BOX_ID,
      principalType: 'user',
      principalId: '1003',
      role: 'viewer',
      status: 'pending',
    },
  ],
  ancestors: [
    { itemBoxId: CONTRACTS_FOLDER_BOX_ID, ancestorBoxId: CONTRACTS_FOLDER_BOX_ID, depth: 0 },
    { itemBoxId: CONTRACTS_FOLDER_BOX_ID, ancestorBoxId: '0', depth: 1 },
    { itemBoxId: MSA_FILE_BOX_ID, ancestorBoxId: MSA_FILE_BOX_ID, depth: 0 },
    { itemBoxId: MSA_FILE_BOX_ID, ancestorBoxId: CONTRACTS_FOLDER_BOX_ID, depth: 1 },
    { itemBoxId: MSA_FILE_BOX_ID, ancestorBoxId: '0', depth: 2 },
  ],
} as const;

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
        boxItemId: CONTRACTS_FOLDER_BOX_ID,
        boxItemType: 'folder',
        name: 'Acme Contracts',
        parentBoxFolderId: '0',
        path: '/All Files',
        ownerBoxUserId: '1001',
        modifiedAt: new Date('2026-08-28T16:04:00Z'),
        etag: '3',
        sequenceId: '3',
        ...by,
      },
    });
    const file = await tx.boxItem.create({
      data: {
        externalId: FILES_DEMO.acmeMsaFile,
        boxItemId: MSA_FILE_BOX_ID,
        boxItemType: 'file',
        name: 'Acme MSA 2026.pdf',
        parentBoxFolderId: CONTRACTS_FOLDER_BOX_ID,
        path: '/All Files/Acme Contracts',
        ownerBoxUserId: '1001',
        modifiedAt: new Date('2026-08-28T16:03:12Z'),
        etag: '1',
        sequenceId: '1',
        sizeBytes: 482_133n,
        ...by,
      },
    });
    await tx.boxUser.createMany({ data: [...DEMO_BOX.users] });
    await tx.boxGroup.createMany({ data: [...DEMO_BOX.groups] });
    await tx.boxGroupMembership.createMany({ data: [...DEMO_BOX.memberships] });
    await tx.boxCollaboration.createMany({ data: [...DEMO_BOX.collaborations] });
    await tx.boxItemAncestor.createMany({ data: [...DEMO_BOX.ancestors] });
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
        entityId: ids.projectId,
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
  }, LONG_TRANSACTION);
  return {
    boxFolderId: FILES_DEMO.contractsFolder,
    boxFileId: FILES_DEMO.acmeMsaFile,
    projectDocumentId: FILES_DEMO.acmeMsaDocument,
    kbChunkIds: [...FILES_DEMO.acmeMsaChunks],
  };
}
