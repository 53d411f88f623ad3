import { groupLoader, rowLoader } from '@wrk/platform';
import type { Claims } from '@wrk/platform';
import type { CoreDb } from './db.ts';
import { ownerExistenceLoader, type OwnerUrls } from './owners.ts';

const notArchived = { archivedAt: null };

/** Per-request DataLoaders: every relationship and reference loads in one batched query per tick. */
export function createLoaders(db: CoreDb, ownerUrls: OwnerUrls, claims: Claims) {
  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.id);

  return {
    existsAtOwner: ownerExistenceLoader(ownerUrls, claims),
    person: byExternalId((ids) => db.person.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    organization: byExternalId((ids) => db.organization.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    meeting: byExternalId((ids) => db.meeting.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    project: byExternalId((ids) => db.project.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    contract: byExternalId((ids) => db.contract.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    trip: byExternalId((ids) => db.trip.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    grant: byExternalId((ids) => db.grant.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    action: byExternalId((ids) => db.action.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    decision: byExternalId((ids) => db.decision.findMany({ where: { externalId: { in: ids }, ...notArchived } })),
    entityLink: byExternalId((ids) => db.entityLink.findMany({ where: { externalId: { in: ids } } })),

    organizationById: byId((ids) => db.organization.findMany({ where: { id: { in: ids }, ...notArchived } })),
    meetingById: byId((ids) => db.meeting.findMany({ where: { id: { in: ids }, ...notArchived } })),
    projectById: byId((ids) => db.project.findMany({ where: { id: { in: ids }, ...notArchived } })),
    grantById: byId((ids) => db.grant.findMany({ where: { id: { in: ids }, ...notArchived } })),

    contractsByOrganization: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { organizationId: { in: ids }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.organizationId,
    ),
    contractsByProject: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { projectId: { in: ids }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.projectId!,
    ),
    contractsByGrant: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { grantId: { in: ids }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.grantId!,
    ),
    projectsByParent: groupLoader(
      (ids: number[]) => db.project.findMany({ where: { parentId: { in: ids }, ...notArchived }, orderBy: { id: 'asc' } }),
      (row) => row.parentId!,
    ),
    linksFrom: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { fromId: { in: ids } }, orderBy: { id: 'asc' } }),
      (row) => row.fromId,
    ),
    linksTo: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { toId: { in: ids } }, orderBy: { id: 'asc' } }),
      (row) => row.toId,
    ),
  };
}

export type CoreLoaders = ReturnType<typeof createLoaders>;
export type CoreRowLoaderName = 'person' | 'organization' | 'meeting' | 'project' | 'contract' | 'trip' | 'grant' | 'action' | 'decision' | 'entityLink';
