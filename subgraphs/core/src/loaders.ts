import { groupLoader, rowLoader } from '@wrk/platform';
import type { Claims } from '@wrk/platform';
import type { CoreDb } from './db.ts';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import { OPEN, RESTRICTABLE, visibleLinkRows, visibleRows } from './visibility.ts';


/** Per-request DataLoaders: every relationship and reference loads in one batched query per tick. */
export function createLoaders(db: CoreDb, ownerUrls: OwnerUrls, claims: Claims) {
  // Live (not archived) rows the caller may see: restricted ones only for their owner, admins and grantees.
  const open = { archivedAt: null, ...visibleRows(claims, OPEN) };
  const restrictable = { archivedAt: null, ...visibleRows(claims, RESTRICTABLE) };
  const links = visibleLinkRows(claims);

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.id);

  return {
    /** The where-clauses of lists and counts, the same ones the loaders apply. */
    visible: { open, restrictable, links },
    existsAtOwner: ownerExistenceLoader(ownerUrls, claims),
    person: byExternalId((ids) => db.person.findMany({ where: { externalId: { in: ids }, ...open } })),
    organization: byExternalId((ids) => db.organization.findMany({ where: { externalId: { in: ids }, ...open } })),
    meeting: byExternalId((ids) => db.meeting.findMany({ where: { externalId: { in: ids }, ...restrictable } })),
    project: byExternalId((ids) => db.project.findMany({ where: { externalId: { in: ids }, ...restrictable } })),
    contract: byExternalId((ids) => db.contract.findMany({ where: { externalId: { in: ids }, ...restrictable } })),
    trip: byExternalId((ids) => db.trip.findMany({ where: { externalId: { in: ids }, ...open } })),
    grant: byExternalId((ids) => db.grant.findMany({ where: { externalId: { in: ids }, ...restrictable } })),
    action: byExternalId((ids) => db.action.findMany({ where: { externalId: { in: ids }, ...open } })),
    decision: byExternalId((ids) => db.decision.findMany({ where: { externalId: { in: ids }, ...restrictable } })),
    entityLink: byExternalId((ids) => db.entityLink.findMany({ where: { externalId: { in: ids }, ...links } })),

    organizationById: byId((ids) => db.organization.findMany({ where: { id: { in: ids }, ...open } })),
    meetingById: byId((ids) => db.meeting.findMany({ where: { id: { in: ids }, ...restrictable } })),
    projectById: byId((ids) => db.project.findMany({ where: { id: { in: ids }, ...restrictable } })),
    grantById: byId((ids) => db.grant.findMany({ where: { id: { in: ids }, ...restrictable } })),

    contractsByOrganization: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { organizationId: { in: ids }, ...restrictable }, orderBy: { id: 'asc' } }),
      (row) => row.organizationId,
    ),
    contractsByProject: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { projectId: { in: ids }, ...restrictable }, orderBy: { id: 'asc' } }),
      (row) => row.projectId!,
    ),
    contractsByGrant: groupLoader(
      (ids: number[]) => db.contract.findMany({ where: { grantId: { in: ids }, ...restrictable }, orderBy: { id: 'asc' } }),
      (row) => row.grantId!,
    ),
    projectsByParent: groupLoader(
      (ids: number[]) => db.project.findMany({ where: { parentId: { in: ids }, ...restrictable }, orderBy: { id: 'asc' } }),
      (row) => row.parentId!,
    ),
    linksFrom: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { fromId: { in: ids }, ...links }, orderBy: { id: 'asc' } }),
      (row) => row.fromId,
    ),
    linksTo: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { toId: { in: ids }, ...links }, orderBy: { id: 'asc' } }),
      (row) => row.toId,
    ),
  };
}

export type CoreLoaders = ReturnType<typeof createLoaders>;
export type CoreRowLoaderName = 'person' | 'organization' | 'meeting' | 'project' | 'contract' | 'trip' | 'grant' | 'action' | 'decision' | 'entityLink';
