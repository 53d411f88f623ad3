import { entityTypeOfId } from '@wrk/catalog';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import { sourceEntityIds } from '@wrk/catalog/sources';
import {
  groupLoader,
  listPage,
  rowLoader,
  seesEverything,
  unavailableOwnersOf,
  type Claims,
  type Delegate,
  type ConnectionArgs,
} from '@wrk/platform';
import type { AgentsDb } from './db.ts';
import { AGENTS_ENTITIES, type AgentsTypename } from './entities/names.ts';
import type { AgentsEntitySpec } from './entities/spec.ts';
import { AGENTS_SPECS } from './entities/specs.ts';
import { agentsVisibility } from './visibility.ts';

/** An output about an output about an output…: references are followed this far, then treated as hidden. */
const MAX_REFERENCE_DEPTH = 8;

const OWNED: ReadonlySet<string> = new Set(AGENTS_ENTITIES.owned);

/** The lists of a run that keep the rows they can check when an owner cannot be asked, and name that owner. */
export type RunList = 'facts' | 'insights' | 'approvals' | 'touched';

/** Whether a type is one of agents' own (entities/names.ts). */
export const isAgentsTypename = (typename: string): typename is AgentsTypename => OWNED.has(typename);

/**
 * Per-request DataLoaders: every relationship and reference loads in one batched query per tick, limited to the
 * rows the caller may see (visibility.ts). Facts, insights and approvals are then kept only when the entities they
 * are about or derived from are visible to the caller (`requires` in each entity's spec.ts): asked of each
 * entity's owner, one request per owner per tick whatever the number of rows.
 */
export function createLoaders(db: AgentsDb, ownerUrls: OwnerUrls, claims: Claims, delegate: Delegate) {
  const visible = agentsVisibility(claims);
  const everything = seesEverything(claims) && claims.kind !== 'anonymous';

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) => rowLoader(find, (row: Row) => row.id);

  // Whether an entity is visible, by the WRK rules alone (the allowlist is applied to rows by `visible`):
  // at its owner for entities of other subgraphs; here, for agents' own, by this subgraph's rule.
  const atOwner = ownerExistenceLoader(ownerUrls, delegate, { withoutAllowlist: true });

  /** One own entity type's loaders: the rows the caller may see, and whether any row (seen or not) is shown. */
  function entityRows<Row extends { externalId: string }, Where, Create>(spec: AgentsEntitySpec<Row, Where, Create>) {
    const existing = byExternalId((ids) => spec.find(db, ids));
    return {
      visible: byExternalId(async (ids) => shownOnly(spec.requires, await spec.find(db, ids, spec.visibleWhere(visible)))),
      async shown(id: string, depth: number): Promise<boolean> {
        const row = await existing.load(id);
        return row ? rowShown(spec.requires(row), depth) : false;
      },
    };
  }
  const own = {
    AgentRun: entityRows(AGENTS_SPECS.AgentRun),
    AgentStep: entityRows(AGENTS_SPECS.AgentStep),
    AgentApproval: entityRows(AGENTS_SPECS.AgentApproval),
    KnowledgeFact: entityRows(AGENTS_SPECS.KnowledgeFact),
    KnowledgeInsight: entityRows(AGENTS_SPECS.KnowledgeInsight),
  } satisfies Record<AgentsTypename, unknown>;
  /** The one rule for any entity ID an agents row refers to. Deny by default: a type no rule places is hidden. */
  async function entityVisible(id: string, depth = 0): Promise<boolean> {
    if (everything) return true;
    const type = entityTypeOfId(id);
    if (!type?.linkable || claims.kind === 'anonymous') return false;
    if (type.owner !== 'agents') return atOwner.load(id);
    return isAgentsTypename(type.typename) ? own[type.typename].shown(id, depth) : false;
  }
  async function rowShown(required: string[], depth: number): Promise<boolean> {
    if (everything) return true;
    if (depth >= MAX_REFERENCE_DEPTH) return false;
    const shown = await Promise.all(required.map((id) => entityVisible(id, depth + 1)));
    return shown.every(Boolean);
  }
  /** The rows whose required entities the caller may see; all checked in the same tick, so batched. */
  async function shownOnly<Row>(requires: (row: Row) => string[], rows: Row[]): Promise<Row[]> {
    const keep = await Promise.all(rows.map((row) => rowShown(requires(row), 0)));
    return rows.filter((_, index) => keep[index]);
  }
  /** Per run list (`<list>:<run>`), the owners that could not be asked for the rows it left out. */
  const leftOut = new Map<string, Set<string>>();
  /**
   * A run's list keeps the rows `shown` says the caller may see, all checked in the same tick. A row whose check needs
   * an owner that cannot be asked now is left out (whether the caller may see it is unknown, and a hidden row must
   * stay missing) and that owner noted for the list to name (`leftOutOfRun`); any other failure fails the list.
   */
  async function shownInRunList<Row>(
    list: RunList,
    runOf: (row: Row) => string | number,
    rows: Row[],
    shown: (row: Row) => Promise<boolean>,
  ) {
    const states = await Promise.all(
      rows.map((row) =>
        shown(row).catch((error: unknown) => {
          const owners = unavailableOwnersOf(error);
          if (!owners.length) throw error;
          const key = `${list}:${runOf(row)}`;
          leftOut.set(key, new Set([...(leftOut.get(key) ?? []), ...owners]));
          return false;
        }),
      ),
    );
    return rows.filter((_, index) => states[index]);
  }
  /** Of the given entity IDs, those the caller may not see (checked in one round). */
  async function hiddenAmong(ids: string[]): Promise<string[]> {
    const shown = await Promise.all(ids.map((id) => entityVisible(id)));
    return ids.filter((_, index) => !shown[index]);
  }
  /**
   * For lists and their counts: rows citing no source the caller may not see. The distinct sources of the table
   * are read in one statement and checked in one round; a row citing any hidden one is left out.
   */
  async function withoutHiddenSources(table: 'knowledge_facts' | 'knowledge_insights'): Promise<object> {
    if (everything) return {};
    const cited = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT DISTINCT ref->>'id' AS id FROM "agents"."${table}" CROSS JOIN LATERAL jsonb_array_elements(source_refs) AS ref
        WHERE jsonb_typeof(ref) = 'object' AND ref->>'id' IS NOT NULL`,
    );
    const hidden = await hiddenAmong(sourceEntityIds(cited));
    return hidden.length ? { NOT: { OR: hidden.map((id) => ({ sourceRefs: { array_contains: [{ id }] } })) } } : {};
  }

  /** For insight lists: those resting on no fact the caller may not see (the distinct facts checked in one round). */
  async function withoutHiddenSupportingFacts(): Promise<object> {
    if (everything) return {};
    const cited = await db.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT unnest(supporting_fact_ids) AS id FROM "agents"."knowledge_insights"`;
    const hidden = await hiddenAmong(cited.map((row) => row.id));
    return hidden.length ? { NOT: { supportingFactIds: { hasSome: hidden } } } : {};
  }

  const findFacts = (where: object) => db.knowledgeFact.findMany({ where: { AND: [where, visible.fact] }, orderBy: { id: 'asc' } });
  const findInsights = (where: object) => db.knowledgeInsight.findMany({ where: { AND: [where, visible.ofRun] }, orderBy: { id: 'asc' } });
  const findApprovals = (where: object) =>
    db.agentApproval.findMany({ where: { AND: [where, visible.ofRun, visible.approval] }, orderBy: { id: 'asc' } });
  const facts = async (where: object) => shownOnly(AGENTS_SPECS.KnowledgeFact.requires, await findFacts(where));
  /** A run list of one of agents' own types: the rows of those runs the caller may see, as far as they can be checked. */
  const runList =
    <Row extends { runId: number | null }>(list: RunList, find: (where: object) => Promise<Row[]>, requires: (row: Row) => string[]) =>
    async (runIds: number[]) => {
      const rows = await find({ runId: { in: runIds } });
      return shownInRunList(
        list,
        (row) => row.runId ?? '',
        rows,
        (row) => rowShown(requires(row), 0),
      );
    };

  return {
    /** Whether an entity of another subgraph exists and the caller may see it (writes check references with it). */
    existsAtOwner: ownerExistenceLoader(ownerUrls, delegate),
    /** Whether the caller may see an entity an output refers to (its subject, target or a source). */
    entityVisible: (id: string) => entityVisible(id),

    /** Each own entity type's rows the caller may see, by external ID (node routing and references use them). */
    rows: {
      AgentRun: own.AgentRun.visible,
      AgentStep: own.AgentStep.visible,
      AgentApproval: own.AgentApproval.visible,
      KnowledgeFact: own.KnowledgeFact.visible,
      KnowledgeInsight: own.KnowledgeInsight.visible,
    },

    /** Facts by internal ID (superseded → superseding), as visible as by external ID. */
    factById: byId(async (ids) => facts({ id: { in: ids } })),
    /** The fact each fact replaced (at most one: superseded_by_id is unique). */
    factSuperseded: groupLoader(
      (ids: number[]) => facts({ supersededById: { in: ids } }),
      (row) => row.supersededById,
    ),
    agentRunById: byId((ids) => db.agentRun.findMany({ where: { AND: [{ id: { in: ids } }, visible.run] } })),

    /** The writes of each run (by its external ID) from the audit trail, oldest first, to entities the caller may see. */
    touchedByRun: groupLoader(
      async (runIds: string[]) => {
        const writes = await db.$queryRaw<{ runId: string; entityId: string; action: string; at: Date }[]>`
        SELECT run_id AS "runId", entity_id AS "entityId", action, created_at AS at
          FROM "platform"."audit_logs" WHERE run_id = ANY(${runIds}) ORDER BY created_at, id`;
        return shownInRunList(
          'touched',
          (write) => write.runId,
          writes,
          (write) => entityVisible(write.entityId),
        );
      },
      (write) => write.runId,
    ),
    stepsByRun: groupLoader(
      (ids: number[]) => db.agentStep.findMany({ where: { AND: [{ runId: { in: ids } }, visible.step] }, orderBy: { stepIndex: 'asc' } }),
      (row) => row.runId,
    ),
    approvalsByRun: groupLoader(runList('approvals', findApprovals, AGENTS_SPECS.AgentApproval.requires), (row) => row.runId),
    factsByRun: groupLoader(runList('facts', findFacts, AGENTS_SPECS.KnowledgeFact.requires), (row) => row.runId),
    insightsByRun: groupLoader(runList('insights', findInsights, AGENTS_SPECS.KnowledgeInsight.requires), (row) => row.runId),
    /** The owners a run's list (touched: by the run's external ID; the others by its ID) left rows out for. */
    leftOutOfRun: (list: RunList, run: string | number): string[] => [...(leftOut.get(`${list}:${run}`) ?? [])],

    /** The `where` of each list and its count, the same the loaders apply. */
    visible,
    /**
     * Facts, optionally about one subject. Their visibility depends on the subjects' and sources' owners, so the
     * visible subjects and hidden sources are found first (one query each, one request per owner) and the page and
     * its count are taken over them: totalCount never counts a fact the caller cannot see.
     */
    async knowledgeFacts(args: ConnectionArgs, subjectId?: string | null) {
      const where = { AND: [visible.fact, subjectId ? { subjectId } : {}] };
      const list = { list: 'Query.knowledgeFacts', args: { ...args, subjectId } };
      if (everything) return listPage(db.knowledgeFact, { ...list, where });
      const subjects = subjectId
        ? [subjectId]
        : (await db.knowledgeFact.groupBy({ by: ['subjectId'], where })).map((group) => group.subjectId);
      const [hiddenSubjects, sources] = await Promise.all([hiddenAmong(subjects), withoutHiddenSources('knowledge_facts')]);
      const visibleSubjects = subjects.filter((subject) => !hiddenSubjects.includes(subject));
      return listPage(db.knowledgeFact, { ...list, where: { AND: [where, { subjectId: { in: visibleSubjects } }, sources] } });
    },
    /** Insights citing only sources and resting only on facts the caller may see (and their count). */
    async knowledgeInsights(args: ConnectionArgs, filter: object) {
      const [sources, facts] = await Promise.all([withoutHiddenSources('knowledge_insights'), withoutHiddenSupportingFacts()]);
      return listPage(db.knowledgeInsight, {
        list: 'Query.knowledgeInsights',
        args: { ...args, ...filter },
        where: { AND: [visible.ofRun, filter, sources, facts] },
      });
    },
    /**
     * Approvals whose target the caller may see, or without one, every entity of whose scope (and their count): the
     * distinct targets and scope entities are checked first, in one round.
     */
    async agentApprovals(args: ConnectionArgs, filter: object) {
      const where = { AND: [visible.ofRun, visible.approval, filter] };
      const list = { list: 'Query.agentApprovals', args: { ...args, ...filter } };
      if (everything) return listPage(db.agentApproval, { ...list, where });
      const [targets, scopes] = await Promise.all([
        db.agentApproval.groupBy({ by: ['targetId'], where: { AND: [where, { targetId: { not: null } }] } }),
        db.$queryRaw<{ id: string }[]>`
          SELECT DISTINCT unnest(scope_ids) AS id FROM "agents"."agent_approvals" WHERE target_id IS NULL`,
      ]);
      const targetIds = targets.flatMap((group) => (group.targetId === null ? [] : [group.targetId]));
      const hidden = await hiddenAmong([...targetIds, ...scopes.map((row) => row.id)]);
      const shownTargets = targetIds.filter((target) => !hidden.includes(target));
      return listPage(db.agentApproval, {
        ...list,
        where: {
          AND: [where, { OR: [{ targetId: { in: shownTargets } }, { targetId: null, NOT: { scopeIds: { hasSome: hidden } } }] }],
        },
      });
    },
  };
}

export type AgentsLoaders = ReturnType<typeof createLoaders>;
