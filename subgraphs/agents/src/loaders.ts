import { entityTypeOfId } from '@wrk/catalog';
import { ownerExistenceLoader, type OwnerUrls } from '@wrk/catalog/owners';
import { groupLoader, listPage, rowLoader, type Claims, type ConnectionArgs } from '@wrk/platform';
import type { AgentsDb, KnowledgeFact } from './db.ts';
import { agentsVisibility, withoutAllowlist } from './visibility.ts';

/** Who sees every row: admins, and the platform itself (CLI, jobs). */
const seesEverything = (claims: Claims) => claims.kind === 'system' || claims.role === 'admin';

/** A fact about a fact about a fact…: the chain of subjects is followed this far, then treated as hidden. */
const MAX_SUBJECT_DEPTH = 8;

/**
 * Per-request DataLoaders: every relationship and reference loads in one batched query per tick, limited to the
 * rows the caller may see (visibility.ts). Facts are then kept only when their subject is visible to the caller:
 * asked of the subject's owner, one request per owner per tick whatever the number of facts.
 */
export function createLoaders(db: AgentsDb, ownerUrls: OwnerUrls, claims: Claims) {
  const visible = agentsVisibility(claims);
  const everything = seesEverything(claims) && claims.kind !== 'anonymous';

  const byExternalId = <Row extends { externalId: string }>(find: (ids: string[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.externalId);
  const byId = <Row extends { id: number }>(find: (ids: number[]) => Promise<Row[]>) =>
    rowLoader(find, (row: Row) => row.id);

  // Whether a subject is visible, by the WRK rules alone (the allowlist is applied to facts by `visible.fact`):
  // at its owner for entities of other subgraphs; here, where agents' own entities are internal, by existence.
  const subjectAtOwner = ownerExistenceLoader(ownerUrls, withoutAllowlist(claims));
  const existing = {
    AgentRun: byExternalId((ids) => db.agentRun.findMany({ where: { externalId: { in: ids } } })),
    AgentStep: byExternalId((ids) => db.agentStep.findMany({ where: { externalId: { in: ids } } })),
    AgentApproval: byExternalId((ids) => db.agentApproval.findMany({ where: { externalId: { in: ids } } })),
    KnowledgeFact: byExternalId((ids) => db.knowledgeFact.findMany({ where: { externalId: { in: ids } } })),
    KnowledgeInsight: byExternalId((ids) => db.knowledgeInsight.findMany({ where: { externalId: { in: ids } } })),
  };
  async function subjectVisible(id: string, depth = 0): Promise<boolean> {
    if (everything) return true;
    const type = entityTypeOfId(id);
    if (!type?.linkable || claims.kind === 'anonymous') return false;
    if (type.owner !== 'agents') return subjectAtOwner.load(id);
    const row = await existing[type.typename as keyof typeof existing]?.load(id);
    if (!row) return false;
    // A fact about a fact is visible only if that fact is: follow its subject.
    if ('subjectId' in row) return depth < MAX_SUBJECT_DEPTH && subjectVisible(row.subjectId, depth + 1);
    return true;
  }
  async function withVisibleSubject(facts: KnowledgeFact[]): Promise<KnowledgeFact[]> {
    const keep = await Promise.all(facts.map((fact) => subjectVisible(fact.subjectId)));
    return facts.filter((_, index) => keep[index]);
  }
  const facts = async (where: object) =>
    withVisibleSubject(await db.knowledgeFact.findMany({ where: { AND: [where, visible.fact] }, orderBy: { id: 'asc' } }));

  return {
    /** Whether an entity of another subgraph exists and the caller may see it (writes check references with it). */
    existsAtOwner: ownerExistenceLoader(ownerUrls, claims),
    /** Whether a fact about this entity would be visible to the caller. */
    subjectVisible,

    agentRun: byExternalId((ids) => db.agentRun.findMany({ where: { AND: [{ externalId: { in: ids } }, visible.run] } })),
    agentStep: byExternalId((ids) => db.agentStep.findMany({ where: { AND: [{ externalId: { in: ids } }, visible.step] } })),
    agentApproval: byExternalId((ids) =>
      db.agentApproval.findMany({ where: { AND: [{ externalId: { in: ids } }, visible.ofRun] } }),
    ),
    knowledgeFact: byExternalId((ids) => facts({ externalId: { in: ids } })),
    knowledgeInsight: byExternalId((ids) =>
      db.knowledgeInsight.findMany({ where: { AND: [{ externalId: { in: ids } }, visible.ofRun] } }),
    ),

    agentRunById: byId((ids) => db.agentRun.findMany({ where: { AND: [{ id: { in: ids } }, visible.run] } })),

    stepsByRun: groupLoader(
      (ids: number[]) =>
        db.agentStep.findMany({ where: { AND: [{ runId: { in: ids } }, visible.step] }, orderBy: { stepIndex: 'asc' } }),
      (row) => row.runId,
    ),
    approvalsByRun: groupLoader(
      (ids: number[]) =>
        db.agentApproval.findMany({ where: { AND: [{ runId: { in: ids } }, visible.ofRun] }, orderBy: { id: 'asc' } }),
      (row) => row.runId!,
    ),
    factsByRun: groupLoader((ids: number[]) => facts({ runId: { in: ids } }), (row) => row.runId!),
    insightsByRun: groupLoader(
      (ids: number[]) =>
        db.knowledgeInsight.findMany({ where: { AND: [{ runId: { in: ids } }, visible.ofRun] }, orderBy: { id: 'asc' } }),
      (row) => row.runId!,
    ),

    /** The `where` of each list and its count, the same the loaders apply. */
    visible,
    /**
     * Facts, optionally about one subject. Their visibility depends on the subjects' owners, so the visible
     * subjects are found first (one query, one request per owner) and the page and its count are taken over
     * them: totalCount never counts a fact the caller cannot see.
     */
    async knowledgeFacts(args: ConnectionArgs, subjectId?: string | null) {
      const where = { AND: [visible.fact, subjectId ? { subjectId } : {}] };
      const list = { list: 'Query.knowledgeFacts', args: { ...args, subjectId } };
      if (everything) return listPage(db.knowledgeFact, { ...list, where });
      const subjects = subjectId
        ? [subjectId]
        : (await db.knowledgeFact.groupBy({ by: ['subjectId'], where })).map((group) => group.subjectId);
      const shown = await Promise.all(subjects.map((subject) => subjectVisible(subject)));
      const visibleSubjects = subjects.filter((_, index) => shown[index]);
      return listPage(db.knowledgeFact, { ...list, where: { AND: [where, { subjectId: { in: visibleSubjects } }] } });
    },
  };
}

export type AgentsLoaders = ReturnType<typeof createLoaders>;
export type AgentsRowLoaderName = 'agentRun' | 'agentStep' | 'agentApproval' | 'knowledgeFact' | 'knowledgeInsight';
