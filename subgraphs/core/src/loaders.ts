import { entityTypeOfId } from '@wrk/catalog';
import { groupLoader, rowLoader, seesEverything, type Claims, type Delegate } from '@wrk/platform';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import type { CoreDb, EntityLink } from './db.ts';
import { PIVOTS, type PivotName, type PivotRow } from './pivots.ts';
import { MODELS, visibleLinkRows, visibleRows, type CoreModel } from './visibility.ts';

/**
 * Per-request DataLoaders: every reference, relationship and pivot loads in one batched query per tick,
 * whatever the list size, and every one of them applies the caller's row visibility.
 */
export function createLoaders(db: CoreDb, ownerUrls: OwnerUrls, claims: Claims, delegate: Delegate) {
  // Live (not archived) rows the caller may see: restricted ones only for their owner, admins and grantees.
  const withArchived = Object.fromEntries(
    Object.entries(MODELS).map(([model, rules]) => [model, visibleRows(claims, rules)]),
  ) as Record<CoreModel, object>;
  const live = Object.fromEntries(
    Object.entries(withArchived).map(([model, where]) => [model, { archivedAt: null, ...where }]),
  ) as Record<CoreModel, object>;
  const links = visibleLinkRows(claims);

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) => rowLoader(find, (row: Row) => row.id);
  const children = <Row>(find: (ids: number[]) => Promise<Row[]>, keyOf: (row: Row) => number | null) =>
    groupLoader(find, (row: Row) => keyOf(row)!);
  const ordered = { orderBy: { id: 'asc' as const } };
  const existsAtOwner = ownerExistenceLoader(ownerUrls, delegate);

  const rows = {
    person: byExternalId((ids) => db.person.findMany({ where: { externalId: { in: ids }, ...live.person } })),
    organization: byExternalId((ids) => db.organization.findMany({ where: { externalId: { in: ids }, ...live.organization } })),
    meeting: byExternalId((ids) => db.meeting.findMany({ where: { externalId: { in: ids }, ...live.meeting } })),
    project: byExternalId((ids) => db.project.findMany({ where: { externalId: { in: ids }, ...live.project } })),
    contract: byExternalId((ids) => db.contract.findMany({ where: { externalId: { in: ids }, ...live.contract } })),
    trip: byExternalId((ids) => db.trip.findMany({ where: { externalId: { in: ids }, ...live.trip } })),
    grant: byExternalId((ids) => db.grant.findMany({ where: { externalId: { in: ids }, ...live.grant } })),
    action: byExternalId((ids) => db.action.findMany({ where: { externalId: { in: ids }, ...live.action } })),
    decision: byExternalId((ids) => db.decision.findMany({ where: { externalId: { in: ids }, ...live.decision } })),
  };

  /**
   * The one rule for a link end: core's own rows through the loaders above, other subgraphs' entities at their
   * owner (batched). Anything else — a malformed ID, a type no rule places — is invisible.
   */
  async function endVisible(id: string): Promise<boolean> {
    const type = entityTypeOfId(id);
    if (!type?.linkable) return false;
    if (type.owner !== 'core') return existsAtOwner.load(id);
    const loader = CORE_ROW_LOADERS[type.typename];
    return loader ? (await rows[loader].load(id)) !== null : false;
  }
  /** The one rule for links: a link is visible only when both its ends are; every read of links goes through it. */
  async function withVisibleEnds(found: EntityLink[]): Promise<EntityLink[]> {
    // Both ends of every link in the same tick, so each owner is asked once.
    const shown = await Promise.all(found.map(async (link) => (await Promise.all([endVisible(link.fromId), endVisible(link.toId)])).every(Boolean)));
    return found.filter((_, index) => shown[index]);
  }

  return {
    /** The where-clauses of lists and counts, the same ones the loaders apply. */
    visible: { ...live, links, withArchived },
    existsAtOwner,
    endVisible,
    /**
     * The `where` of the links list and its count: links whose ends are all visible. The distinct ends are read
     * once and checked in one round (one query per core type, one request per owner), whatever the page size.
     */
    async visibleLinksWhere(): Promise<object> {
      if (seesEverything(claims) && !claims.allow?.length) return links;
      const ends = await db.$queryRaw<{ id: string }[]>`
        SELECT from_id AS id FROM "core"."entity_links" UNION SELECT to_id FROM "core"."entity_links"`;
      const shown = await Promise.all(ends.map((end) => endVisible(end.id)));
      const visibleEnds = ends.filter((_, index) => shown[index]).map((end) => end.id);
      return { AND: [links, { fromId: { in: visibleEnds } }, { toId: { in: visibleEnds } }] };
    },

    ...rows,
    entityLink: byExternalId(async (ids) => withVisibleEnds(await db.entityLink.findMany({ where: { externalId: { in: ids }, ...links } }))),

    personById: byId((ids) => db.person.findMany({ where: { id: { in: ids }, ...live.person } })),
    organizationById: byId((ids) => db.organization.findMany({ where: { id: { in: ids }, ...live.organization } })),
    meetingById: byId((ids) => db.meeting.findMany({ where: { id: { in: ids }, ...live.meeting } })),
    projectById: byId((ids) => db.project.findMany({ where: { id: { in: ids }, ...live.project } })),
    tripById: byId((ids) => db.trip.findMany({ where: { id: { in: ids }, ...live.trip } })),
    grantById: byId((ids) => db.grant.findMany({ where: { id: { in: ids }, ...live.grant } })),

    contractsByOrganization: children(
      (ids) => db.contract.findMany({ where: { organizationId: { in: ids }, ...live.contract }, ...ordered }),
      (row) => row.organizationId,
    ),
    contractsByProject: children(
      (ids) => db.contract.findMany({ where: { projectId: { in: ids }, ...live.contract }, ...ordered }),
      (row) => row.projectId,
    ),
    contractsByGrant: children(
      (ids) => db.contract.findMany({ where: { grantId: { in: ids }, ...live.contract }, ...ordered }),
      (row) => row.grantId,
    ),
    projectsByParent: children(
      (ids) => db.project.findMany({ where: { parentId: { in: ids }, ...live.project }, ...ordered }),
      (row) => row.parentId,
    ),
    actionsByMeeting: children(
      (ids) => db.action.findMany({ where: { meetingId: { in: ids }, ...live.action }, ...ordered }),
      (row) => row.meetingId,
    ),
    actionsByProject: children(
      (ids) => db.action.findMany({ where: { projectId: { in: ids }, ...live.action }, ...ordered }),
      (row) => row.projectId,
    ),
    decisionsByMeeting: children(
      (ids) => db.decision.findMany({ where: { meetingId: { in: ids }, ...live.decision }, ...ordered }),
      (row) => row.meetingId,
    ),
    decisionsByProject: children(
      (ids) => db.decision.findMany({ where: { projectId: { in: ids }, ...live.decision }, ...ordered }),
      (row) => row.projectId,
    ),
    actionsByAssignee: groupLoader(
      (userIds: string[]) => db.action.findMany({ where: { assigneeUserId: { in: userIds }, ...live.action }, ...ordered }),
      (row) => row.assigneeUserId!,
    ),
    actionsByCreator: groupLoader(
      (userIds: string[]) => db.action.findMany({ where: { creatorUserId: { in: userIds }, ...live.action }, ...ordered }),
      (row) => row.creatorUserId!,
    ),

    linksFrom: groupLoader(
      async (ids: string[]) => withVisibleEnds(await db.entityLink.findMany({ where: { fromId: { in: ids }, ...links }, ...ordered })),
      (row) => row.fromId,
    ),
    linksTo: groupLoader(
      async (ids: string[]) => withVisibleEnds(await db.entityLink.findMany({ where: { toId: { in: ids }, ...links }, ...ordered })),
      (row) => row.toId,
    ),

    /** Pivot rows of each relation, by the key of either side: `pivots.MeetingPerson.meetingId.load(meeting.id)`. */
    pivots: pivotLoaders(db),
  };
}

/** Core's own linkable types and the loader that reads each by external ID (with the caller's visibility). */
export const CORE_ROW_LOADERS: Record<string, Exclude<CoreRowLoaderName, 'entityLink'>> = {
  Person: 'person',
  Organization: 'organization',
  Meeting: 'meeting',
  Project: 'project',
  Contract: 'contract',
  Trip: 'trip',
  Grant: 'grant',
  Action: 'action',
  Decision: 'decision',
};

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
