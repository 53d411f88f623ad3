import { newExternalId } from '@wrk/platform';
// test/ does not depend on the subgraph packages (only on identity): their db modules are imported by path.
import { createFilesDb } from '../../subgraphs/files/src/db.ts';

/**
 * Writes Box mirror rows straight into the files slice, as the Box sync would from Box: items with their
 * ancestor closure, users, groups, memberships and collaborations. Box items change only by sync and webhooks,
 * so tests set up their Box state here rather than through the API.
 */
export interface MirrorItem {
  boxItemId: string;
  type?: 'file' | 'folder' | 'web_link';
  name: string;
  /** Box's ID of the containing folder; '0' (the root) when omitted. Folders must be written before their items. */
  parentBoxFolderId?: string;
  ownerBoxUserId?: string;
  trashedAt?: Date;
}

export interface MirrorCollaboration {
  boxItemId: string;
  principalType: 'user' | 'group';
  principalId: string;
  role: string;
  status?: 'accepted' | 'pending' | 'rejected';
  expiresAt?: Date;
}

export interface MirrorState {
  items?: MirrorItem[];
  users?: { boxUserId: string; name: string; login?: string }[];
  groups?: { boxGroupId: string; name: string }[];
  memberships?: { boxGroupId: string; boxUserId: string }[];
  collaborations?: MirrorCollaboration[];
}

const by = { actor: 'box-sync', sourceSystem: 'box-sync' };
let collaborationSequence = 0;

/** Writes the rows in one transaction; returns the items' external IDs (box_…) by Box ID. */
export async function writeBoxMirror(databaseUrl: string, state: MirrorState): Promise<Record<string, string>> {
  const db = createFilesDb(databaseUrl);
  const ids: Record<string, string> = {};
  try {
    await db.$transaction(async (tx) => {
      for (const item of state.items ?? []) {
        const parent = item.parentBoxFolderId ?? '0';
        const externalId = newExternalId('box');
        const above = await tx.boxItemAncestor.findMany({ where: { itemBoxId: parent } });
        const parentChain = above.length ? above : [{ ancestorBoxId: parent, depth: 0 }];
        const parentRow = await tx.boxItem.findUnique({ where: { boxItemId: parent } });
        await tx.boxItem.create({
          data: {
            externalId,
            boxItemId: item.boxItemId,
            boxItemType: item.type ?? 'file',
            name: item.name,
            parentBoxFolderId: parent,
            path: parentRow ? `${parentRow.path}/${parentRow.name}` : '/All Files',
            ownerBoxUserId: item.ownerBoxUserId ?? null,
            trashedAt: item.trashedAt ?? null,
            itemStatus: item.trashedAt ? 'trashed' : 'active',
            ...by,
          },
        });
        await tx.boxItemAncestor.createMany({
          data: [
            { itemBoxId: item.boxItemId, ancestorBoxId: item.boxItemId, depth: 0 },
            ...parentChain.map((row) => ({ itemBoxId: item.boxItemId, ancestorBoxId: row.ancestorBoxId, depth: row.depth + 1 })),
          ],
        });
        ids[item.boxItemId] = externalId;
      }
      if (state.users?.length) await tx.boxUser.createMany({ data: state.users, skipDuplicates: true });
      if (state.groups?.length) await tx.boxGroup.createMany({ data: state.groups, skipDuplicates: true });
      if (state.memberships?.length) await tx.boxGroupMembership.createMany({ data: state.memberships, skipDuplicates: true });
      if (state.collaborations?.length) {
        await tx.boxCollaboration.createMany({
          data: state.collaborations.map((collaboration) => ({
            boxCollaborationId: `9${process.pid}${String((collaborationSequence += 1)).padStart(6, '0')}`,
            status: 'accepted' as const,
            ...collaboration,
          })),
        });
      }
    });
  } finally {
    await db.$disconnect();
  }
  return ids;
}
