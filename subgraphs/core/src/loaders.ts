import { groupLoader, rowLoader, type Claims } from '@wrk/platform';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import type { CoreDb } from './db.ts';
import { PIVOTS, type PivotName, type PivotRow } from './pivots.ts';
import { OPEN, RESTRICTABLE, visibleLinkRows, visibleRows } from './visibility.ts';

/**
 * Per-request DataLoaders: every reference, relationship and pivot loads in one batched query per tick,
 * whatever the list size, and every one of them applies the caller's row visibility.
 */
export function createLoaders(db: CoreDb, ownerUrls: OwnerUrls, claims: Claims) {
  // Live (not archived) rows the caller may see: restricted ones only for their owner, admins and grantees.
  const withArchived = { open: visibleRows(claims, OPEN), restrictable: visibleRows(claims, RESTRICTABLE) };
  const open = { archivedAt: null, ...withArchived.open };
  const restrictable = { archivedAt: null, ...withArchived.restrictable };
  const links = visibleLinkRows(claims);

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) => rowLoader(find, (row: Row) => row.id);
  const children = <Row>(find: (ids: number[]) => Promise<Row[]>, keyOf: (row: Row) => number | null) =>
    groupLoader(find, (row: Row) => keyOf(row)!);
  const ordered = { orderBy: { id: 'asc' as const } };

  return {
    /** The where-clauses of lists and counts, the same ones the loaders apply. */
    visible: { open, restrictable, links, withArchived },
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

    personById: byId((ids) => db.person.findMany({ where: { id: { in: ids }, ...open } })),
    organizationById: byId((ids) => db.organization.findMany({ where: { id: { in: ids }, ...open } })),
    meetingById: byId((ids) => db.meeting.findMany({ where: { id: { in: ids }, ...restrictable } })),
    projectById: byId((ids) => db.project.findMany({ where: { id: { in: ids }, ...restrictable } })),
    tripById: byId((ids) => db.trip.findMany({ where: { id: { in: ids }, ...open } })),
    grantById: byId((ids) => db.grant.findMany({ where: { id: { in: ids }, ...restrictable } })),

    contractsByOrganization: children(
      (ids) => db.contract.findMany({ where: { organizationId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.organizationId,
    ),
    contractsByProject: children(
      (ids) => db.contract.findMany({ where: { projectId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.projectId,
    ),
    contractsByGrant: children(
      (ids) => db.contract.findMany({ where: { grantId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.grantId,
    ),
    projectsByParent: children(
      (ids) => db.project.findMany({ where: { parentId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.parentId,
    ),
    actionsByMeeting: children(
      (ids) => db.action.findMany({ where: { meetingId: { in: ids }, ...open }, ...ordered }),
      (row) => row.meetingId,
    ),
    actionsByProject: children(
      (ids) => db.action.findMany({ where: { projectId: { in: ids }, ...open }, ...ordered }),
      (row) => row.projectId,
    ),
    decisionsByMeeting: children(
      (ids) => db.decision.findMany({ where: { meetingId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.meetingId,
    ),
    decisionsByProject: children(
      (ids) => db.decision.findMany({ where: { projectId: { in: ids }, ...restrictable }, ...ordered }),
      (row) => row.projectId,
    ),
    actionsByAssignee: groupLoader(
      (userIds: string[]) => db.action.findMany({ where: { assigneeUserId: { in: userIds }, ...open }, ...ordered }),
      (row) => row.assigneeUserId!,
    ),
    actionsByCreator: groupLoader(
      (userIds: string[]) => db.action.findMany({ where: { creatorUserId: { in: userIds }, ...open }, ...ordered }),
      (row) => row.creatorUserId!,
    ),

    linksFrom: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { fromId: { in: ids }, ...links }, ...ordered }),
      (row) => row.fromId,
    ),
    linksTo: groupLoader(
      (ids: string[]) => db.entityLink.findMany({ where: { toId: { in: ids }, ...links }, ...ordered }),
      (row) => row.toId,
    ),

    /** Pivot rows of each relation, by the key of either side: `pivots.MeetingPerson.meetingId.load(meeting.id)`. */
    pivots: pivotLoaders(db),
  };
}

type PivotLoaders = {
  [Name in PivotName]: Record<string, ReturnType<typeof groupLoader<number | string, PivotRow>>>;
};

function pivotLoaders(db: CoreDb): PivotLoaders {
  const loaders = {} as PivotLoaders;
  for (const [name, pivot] of Object.entries(PIVOTS) as [PivotName, (typeof PIVOTS)[PivotName]][]) {
    loaders[name] = {};
    for (const side of [pivot.left, pivot.right]) {
      loaders[name][side.column] = groupLoader(
        (keys: (number | string)[]) => pivot.delegate(db).findMany({ where: { [side.column]: { in: keys } } }),
        (row: PivotRow) => row[side.column] as number | string,
      );
    }
  }
  return loaders;
}

export type CoreLoaders = ReturnType<typeof createLoaders>;
export type CoreRowLoaderName =
  | 'person'
  | 'organization'
  | 'meeting'
  | 'project'
  | 'contract'
  | 'trip'
  | 'grant'
  | 'action'
  | 'decision'
  | 'entityLink';
