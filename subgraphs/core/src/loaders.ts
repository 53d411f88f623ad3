import DataLoader from 'dataloader';
import { entityTypeOfId } from '@wrk/catalog';
import { groupLoader, rowLoader, rowsByKeys, seesEverything, type Claims, type Delegate } from '@wrk/platform';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import type { CoreDb, EntityLink } from './db.ts';
import type { CoreRow } from './entities/entity.ts';
import { filtersByModel, loadersByModel, MODEL_OF_TYPE, ROW_SPECS, SPEC_OF_TYPE, type AnyRow, type RowSpec } from './entities/index.ts';
import { PIVOTS, type PivotName, type PivotRow, type PivotSide } from './relations/pivots.ts';
import { visibleLinkRows, visibleRows, type InProjects } from './visibility.ts';

export type LinkDirection = 'OUTGOING' | 'INCOMING';
/** An entity as one end of links: their `from` (OUTGOING) or their `to` (INCOMING). */
export interface LinkEnd {
  direction: LinkDirection;
  id: string;
}
const linkEndKey = (end: LinkEnd) => `${end.direction}:${end.id}`;
/** The keys of a link's two ends: its `from` going out, its `to` coming in. */
const endKeysOf = (link: EntityLink) => [
  linkEndKey({ direction: 'OUTGOING', id: link.fromId }),
  linkEndKey({ direction: 'INCOMING', id: link.toId }),
];

/**
 * Per-request DataLoaders: every reference, relationship and pivot loads in one batched query per tick,
 * whatever the list size, and every one of them applies the caller's row visibility.
 */
export function createLoaders(db: CoreDb, ownerUrls: OwnerUrls, claims: Claims, delegate: Delegate) {
  // Live (not archived) rows the caller may see: restricted ones only for their owner, admins and grantees.
  const withArchived = filtersByModel((spec) => visibleRows<InProjects>(claims, spec.visibility));
  const live = filtersByModel<{ archivedAt: null }>((spec) => ({ archivedAt: null, ...withArchived[spec.model] }));
  const links = visibleLinkRows(claims);

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  // Rows come back only for the keys asked (`in: ids`), so a null key (which matches none) never occurs.
  const children = <Row>(find: (ids: number[]) => Promise<Row[]>, keyOf: (row: Row) => number | null) =>
    groupLoader(find, (row: Row) => keyOf(row) ?? -1);
  const ordered = { orderBy: { id: 'asc' as const } };
  const existsAtOwner = ownerExistenceLoader(ownerUrls, delegate);

  /** Each entity's rows by external ID and by row id, sharing their reads (see rowsByKeys). */
  const keyedRows = new Map(
    ROW_SPECS.map((spec) => [
      spec.model,
      rowsByKeys<CoreRow, object>((conditions) =>
        spec.find(db, { AND: [conditions.length === 1 ? conditions[0] : { OR: conditions }, live[spec.model]] }),
      ),
    ]),
  );
  const keyedRowsOf = (spec: RowSpec) => {
    const keyed = keyedRows.get(spec.model);
    if (!keyed) throw new Error(`no loaders of ${spec.model}`);
    return keyed;
  };
  const rows = loadersByModel('', (spec) =>
    keyedRowsOf(spec).by<string>(
      (row) => row.externalId,
      (ids) => ({ externalId: { in: ids } }),
    ),
  );

  /**
   * The one rule for a link end: core's own rows through the loaders above, other subgraphs' entities at their
   * owner (batched). Anything else — a malformed ID, a type no rule places — is invisible.
   */
  async function endVisible(id: string): Promise<boolean> {
    const type = entityTypeOfId(id);
    if (!type?.linkable) return false;
    if (type.owner !== 'core') return existsAtOwner.load(id);
    const model = MODEL_OF_TYPE.get(type.typename);
    return model ? (await rows[model].load(id)) !== null : false;
  }
  /**
   * Links left out because the owner of an end could not be asked (down, out of time): by `OUTGOING:<fromId>` and
   * `INCOMING:<toId>`, with that owner and the link's type. Their visibility is unknown, so they are not shown (a
   * hidden entity stays missing); the list that left them out reports it at its path (nodes.ts `linksOf`).
   */
  const unchecked = new Map<string, { owner: string; linkType: string }[]>();
  /** An end's visibility, or the owner that could not answer for it (core's own rows: their errors propagate). */
  const endState = (id: string): Promise<boolean | { unavailable: string }> =>
    endVisible(id).catch((error: unknown) => {
      const owner = entityTypeOfId(id)?.owner;
      if (!owner || owner === 'core') throw error;
      return { unavailable: owner };
    });
  /** The one rule for links: a link is visible only when both its ends are; every read of links goes through it. */
  async function withVisibleEnds(found: EntityLink[]): Promise<EntityLink[]> {
    // Both ends of every link in the same tick, so each owner is asked once.
    const states = await Promise.all(found.map((link) => Promise.all([endState(link.fromId), endState(link.toId)])));
    return found.filter((link, index) => {
      const ends = states[index] ?? [];
      if (ends.some((end) => end === false)) return false;
      const owners = ends.flatMap((end) => (typeof end === 'object' ? [end.unavailable] : []));
      for (const owner of owners) {
        for (const key of endKeysOf(link)) {
          unchecked.set(key, [...(unchecked.get(key) ?? []), { owner, linkType: link.linkType }]);
        }
      }
      return owners.length === 0;
    });
  }

  return {
    /** The where-clauses of lists and counts, the same ones the loaders apply. */
    visible: { ...live, links, withArchived },
    existsAtOwner,
    endVisible,
    /** The owners that could not confirm links of an entity in a direction (their links were left out). */
    uncheckedOwners(entityId: string, direction: LinkDirection, linkType?: string | null): string[] {
      const left = (unchecked.get(linkEndKey({ direction, id: entityId })) ?? []).filter((link) => !linkType || link.linkType === linkType);
      return [...new Set(left.map((link) => link.owner))];
    },
    /**
     * The `where` of the links list and its count: links whose ends are all visible. The distinct ends are read
     * once and checked in one round (one query per core type, one request per owner), whatever the page size. Ends
     * whose owner cannot be asked now are left out like hidden ones, and their owners named (`unavailable`).
     */
    async visibleLinksWhere(): Promise<{ where: object; unavailable: string[] }> {
      if (seesEverything(claims) && !claims.allow?.length) return { where: links, unavailable: [] };
      const ends = await db.$queryRaw<{ id: string }[]>`
        SELECT from_id AS id FROM "core"."entity_links" UNION SELECT to_id FROM "core"."entity_links"`;
      const states = await Promise.all(ends.map((end) => endState(end.id)));
      const visibleEnds = ends.filter((_, index) => states[index] === true).map((end) => end.id);
      const unavailable = [...new Set(states.flatMap((state) => (typeof state === 'object' ? [state.unavailable] : [])))];
      return { where: { AND: [links, { fromId: { in: visibleEnds } }, { toId: { in: visibleEnds } }] }, unavailable };
    },

    ...rows,
    /** The by-external-ID loader of one of core's types (Person → person), or undefined for another subgraph's. */
    rowsOf(typename: string): { load(id: string): Promise<AnyRow | EntityLink | null> } | undefined {
      if (typename === 'EntityLink') return this.entityLink;
      const model = MODEL_OF_TYPE.get(typename);
      return model && rows[model];
    },
    /** Whether a core entity is visible to the caller even when archived; undefined for a type that is not core's. */
    async visibleEvenArchived(typename: string, id: string): Promise<boolean | undefined> {
      const spec = SPEC_OF_TYPE.get(typename);
      return spec && (await spec.find(db, { externalId: id, ...withArchived[spec.model] })).length > 0;
    },
    entityLink: byExternalId(async (ids) =>
      withVisibleEnds(await db.entityLink.findMany({ where: { externalId: { in: ids }, ...links } })),
    ),

    ...loadersByModel('ById', (spec) =>
      keyedRowsOf(spec).by<number>(
        (row) => row.id,
        (ids) => ({ id: { in: ids } }),
      ),
    ),

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
      (row) => row.assigneeUserId ?? '',
    ),
    actionsByCreator: groupLoader(
      (userIds: string[]) => db.action.findMany({ where: { creatorUserId: { in: userIds }, ...live.action }, ...ordered }),
      (row) => row.creatorUserId ?? '',
    ),

    /**
     * The visible links of each entity in one direction (outgoing: it is their `from`; incoming: their `to`), both
     * directions in one query per tick.
     */
    linksByEnd: new DataLoader<LinkEnd, EntityLink[], string>(
      async (ends) => {
        const idsOf = (direction: LinkDirection) => ends.filter((end) => end.direction === direction).map((end) => end.id);
        const touching = { OR: [{ fromId: { in: idsOf('OUTGOING') } }, { toId: { in: idsOf('INCOMING') } }] };
        const found = await withVisibleEnds(await db.entityLink.findMany({ where: { AND: [touching, links] }, ...ordered }));
        const byEnd = new Map<string, EntityLink[]>();
        for (const link of found) {
          for (const key of endKeysOf(link)) byEnd.set(key, [...(byEnd.get(key) ?? []), link]);
        }
        return ends.map((end) => byEnd.get(linkEndKey(end)) ?? []);
      },
      { cacheKeyFn: linkEndKey },
    ),

    /** Pivot rows of each relation, by the key of either side. */
    pivots: pivotLoaders(db),
  };
}

/** The key of a pivot row on one side: an int row id, or for users their usr_ ID. */
const pivotKey = (row: PivotRow, side: PivotSide): number | string => {
  const key = row[side.column];
  return typeof key === 'number' || typeof key === 'string' ? key : -1;
};

/** Pivot rows of a relation by the key of one side (`pivots('MeetingPerson', meeting).load(row.id)`), one loader each. */
function pivotLoaders(db: CoreDb) {
  const loaders = new Map<string, DataLoader<number | string, PivotRow[]>>();
  return (name: PivotName, side: PivotSide): DataLoader<number | string, PivotRow[]> => {
    const id = `${name}.${side.column}`;
    const existing = loaders.get(id);
    if (existing) return existing;
    const loader = groupLoader(
      (keys: (number | string)[]) => PIVOTS[name].delegate(db).findMany({ where: { [side.column]: { in: keys } } }),
      (row: PivotRow) => pivotKey(row, side),
    );
    loaders.set(id, loader);
    return loader;
  };
}

export type CoreLoaders = ReturnType<typeof createLoaders>;
