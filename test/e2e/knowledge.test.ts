import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type Caller, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * Knowledge with provenance and review: facts are deprecated or superseded, never deleted; insights go DRAFT →
 * IN_REVIEW → APPROVED | REJECTED, reviewed by a human, every other transition refused.
 */
const FACT_FIELDS = `id status statusReason statusChangedBy validFrom validTo supersededBy { id } supersedes { id } subjectId`;
const CREATE_FACT = `mutation ($input: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $input) { ${FACT_FIELDS} } }`;
const DEPRECATE = `mutation ($id: ID!, $reason: String!) { deprecateFact(id: $id, reason: $reason) { ${FACT_FIELDS} } }`;
const SUPERSEDE = `mutation ($id: ID!, $input: CreateKnowledgeFactInput!) { supersedeFact(id: $id, reason: "renegotiated", input: $input) { ${FACT_FIELDS} } }`;
const FACT = `query ($id: ID!) { knowledgeFact(id: $id) { ${FACT_FIELDS} } }`;
const INSIGHT_FIELDS = `id reviewState reviewedBy reviewedAt reviewReason`;
const CREATE_INSIGHT = `mutation ($input: CreateKnowledgeInsightInput!) { createKnowledgeInsight(input: $input) { ${INSIGHT_FIELDS} } }`;
const SUBMIT = `mutation ($id: ID!) { submitInsight(id: $id) { ${INSIGHT_FIELDS} } }`;
const REVIEW = `mutation ($id: ID!, $decision: InsightDecision!, $reason: String) { reviewInsight(id: $id, decision: $decision, reason: $reason) { ${INSIGHT_FIELDS} } }`;

const refs = [{ id: DEMO.contracts.acmeMsa, quote: 'payable net 30' }];
const factInput = (extra: Record<string, unknown> = {}) => ({
  subjectId: DEMO.contracts.acmeMsa,
  predicate: 'payment_terms',
  value: 'net 30',
  confidence: 0.9,
  sourceRefs: refs,
  ...extra,
});
const extensionsOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions;

describe.each(databaseKinds())('knowledge on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: Caller;
  let agent: Caller;
  let agentRunId: string;
  let db: pg.Pool;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    const agentToken = await stack.token('staff@wrk.demo', { agent: 'extractor', scopes: ['agents:read', 'agents:write', 'core:read'] });
    const run = await stack.callerFor(agentToken)<{ startRun: { id: string } }>(
      `mutation { startRun(input: { task: "extract", model: "m" }) { id } }`,
    );
    agentRunId = run.data!.startRun.id;
    // The agent's writes name its run and sources (provenance, issue 11).
    agent = stack.callerWith(agentToken, () => ({ wrk: { runId: agentRunId, sourceRefs: [{ id: DEMO.contracts.acmeMsa }] } }));
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const createFact = async (caller: Caller, extra: Record<string, unknown> = {}) => {
    const created = await caller<{ createKnowledgeFact: { id: string } & Record<string, unknown> }>(CREATE_FACT, {
      input: factInput(extra),
    });
    expect(created.errors).toBeUndefined();
    return created.data!.createKnowledgeFact;
  };

  it('records a fact with its validity and the caller’s own run only', async () => {
    const fact = await createFact(agent, { validFrom: '2026-09-01', validTo: '2027-08-31' });
    expect(fact).toMatchObject({
      status: 'ACTIVE',
      validFrom: '2026-09-01',
      validTo: '2027-08-31',
      statusReason: null,
      supersededBy: null,
    });
    const backwards = await agent(CREATE_FACT, { input: factInput({ validFrom: '2027-01-01', validTo: '2026-01-01' }) });
    expect(extensionsOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validTo' });
    const staffRun = await staff<{ startRun: { id: string } }>(
      `mutation { startRun(input: { agentName: "tester", task: "t", model: "m" }) { id } }`,
    );
    const othersRun = await agent(CREATE_FACT, { input: factInput({ runId: staffRun.data!.startRun.id }) });
    expect(extensionsOf(othersRun)).toMatchObject({ code: 'FORBIDDEN', field: 'runId', reason: 'NOT_YOUR_RUN' });
  });

  // An agent's deprecation is an archive, held for a human (approval-gate.test.ts); a person deprecates directly.
  it("records an insight under the caller's own open run only, like a fact", async () => {
    const input = { title: 'Renewal', body: 'Renews at 5%.', sourceRefs: refs };
    const own = await agent<{ createKnowledgeInsight: { id: string } }>(CREATE_INSIGHT, { input });
    expect(own.errors).toBeUndefined();
    const staffRun = await staff<{ startRun: { id: string } }>(
      `mutation { startRun(input: { agentName: "tester", task: "t", model: "m" }) { id } }`,
    );
    const othersRun = await agent(CREATE_INSIGHT, { input: { ...input, runId: staffRun.data!.startRun.id } });
    expect(extensionsOf(othersRun)).toMatchObject({ code: 'FORBIDDEN', field: 'runId', reason: 'NOT_YOUR_RUN' });
    // The staff user's own run, once finished, takes no more outputs.
    const finished = await staff(`mutation ($id: ID!) { finishRun(runId: $id, input: { status: SUCCEEDED }) { id } }`, {
      id: staffRun.data!.startRun.id,
    });
    expect(finished.errors).toBeUndefined();
    const afterEnd = await staff(CREATE_INSIGHT, { input: { ...input, runId: staffRun.data!.startRun.id } });
    expect(extensionsOf(afterEnd)).toMatchObject({ code: 'CONFLICT', field: 'runId', reason: 'RUN_FINISHED' });
    // An agent naming no run writes under its request's run.
    const row = await db.query(
      `SELECT r.external_id AS run FROM agents.knowledge_insights i JOIN agents.agent_runs r ON r.id = i.run_id WHERE i.external_id = $1`,
      [own.data!.createKnowledgeInsight.id],
    );
    expect(row.rows).toEqual([{ run: agentRunId }]);
  });

  it('deprecates a fact once: it stays, DEPRECATED with the reason and who', async () => {
    const fact = await createFact(agent);
    const deprecated = await staff<{ deprecateFact: Record<string, unknown> }>(DEPRECATE, { id: fact.id, reason: 'misread the clause' });
    expect(deprecated.errors).toBeUndefined();
    expect(deprecated.data!.deprecateFact).toMatchObject({
      status: 'DEPRECATED',
      statusReason: 'misread the clause',
      statusChangedBy: DEMO.users.staff,
    });
    const again = await staff(DEPRECATE, { id: fact.id, reason: 'twice' });
    expect(extensionsOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', status: 'DEPRECATED' });
    expect((await staff<{ knowledgeFact: { status: string } }>(FACT, { id: fact.id })).data!.knowledgeFact.status).toBe('DEPRECATED');
  });

  it('supersedes a fact by a new one about the same subject, linking both ways, with an audit row for each', async () => {
    const old = await createFact(agent);
    const otherSubject = await agent(SUPERSEDE, { id: old.id, input: factInput({ subjectId: DEMO.projects.platform }) });
    expect(extensionsOf(otherSubject)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subjectId' });
    const replaced = await agent<{ supersedeFact: { id: string } & Record<string, unknown> }>(SUPERSEDE, {
      id: old.id,
      input: factInput({ value: 'net 45' }),
    });
    expect(replaced.errors).toBeUndefined();
    const newer = replaced.data!.supersedeFact;
    expect(newer).toMatchObject({ status: 'ACTIVE', supersedes: { id: old.id }, supersededBy: null });
    const before = await staff<{ knowledgeFact: Record<string, unknown> }>(FACT, { id: old.id });
    expect(before.data!.knowledgeFact).toMatchObject({
      status: 'SUPERSEDED',
      statusReason: 'renegotiated',
      supersededBy: { id: newer.id },
    });
    const again = await agent(SUPERSEDE, { id: old.id, input: factInput() });
    expect(extensionsOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', status: 'SUPERSEDED' });
    const audit = await db.query(`SELECT entity_id, action FROM "platform"."audit_logs" WHERE entity_id = ANY($1) ORDER BY id`, [
      [old.id, newer.id],
    ]);
    expect(audit.rows).toEqual([
      { entity_id: old.id, action: 'create' },
      { entity_id: old.id, action: 'update' },
      { entity_id: newer.id, action: 'create' },
    ]);
  });

  it('refuses to delete facts and insights in the database itself', async () => {
    for (const [table, id] of [
      ['knowledge_facts', DEMO.knowledgeFacts.billing],
      ['knowledge_insights', DEMO.knowledgeInsights.renewal],
    ] as const) {
      await expect(db.query(`DELETE FROM "agents"."${table}" WHERE external_id = $1`, [id])).rejects.toMatchObject({ code: '23001' });
    }
  });

  it('moves an insight DRAFT → IN_REVIEW → APPROVED only, reviewed by a human', async () => {
    const created = await agent<{ createKnowledgeInsight: { id: string; reviewState: string } }>(CREATE_INSIGHT, {
      input: { title: 'Renew early', body: 'Start talks by June.', sourceRefs: refs },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createKnowledgeInsight.id;
    expect(created.data!.createKnowledgeInsight.reviewState).toBe('DRAFT');
    expect(extensionsOf(await staff(REVIEW, { id, decision: 'APPROVE' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      reviewState: 'DRAFT',
    });
    expect((await agent<{ submitInsight: { reviewState: string } }>(SUBMIT, { id })).data!.submitInsight.reviewState).toBe('IN_REVIEW');
    expect(extensionsOf(await agent(SUBMIT, { id }))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION' });
    expect(extensionsOf(await agent(REVIEW, { id, decision: 'APPROVE' }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'AGENT_CANNOT_REVIEW',
    });
    expect(extensionsOf(await staff(REVIEW, { id, decision: 'REJECT' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const approved = await staff<{ reviewInsight: Record<string, unknown> }>(REVIEW, {
      id,
      decision: 'APPROVE',
      reason: 'checked the MSA',
    });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.reviewInsight).toMatchObject({
      reviewState: 'APPROVED',
      reviewedBy: DEMO.users.staff,
      reviewedAt: expect.any(String),
      reviewReason: 'checked the MSA',
    });
    expect(extensionsOf(await staff(REVIEW, { id, decision: 'REJECT', reason: 'changed my mind' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      reviewState: 'APPROVED',
    });
  });

  it('rejects an insight in review with a reason', async () => {
    const created = await agent<{ createKnowledgeInsight: { id: string } }>(CREATE_INSIGHT, {
      input: { title: 'Cancel', body: 'Cancel the MSA.', sourceRefs: refs },
    });
    const id = created.data!.createKnowledgeInsight.id;
    await agent(SUBMIT, { id });
    const rejected = await staff<{ reviewInsight: Record<string, unknown> }>(REVIEW, {
      id,
      decision: 'REJECT',
      reason: 'not supported by the sources',
    });
    expect(rejected.data!.reviewInsight).toMatchObject({ reviewState: 'REJECTED', reviewReason: 'not supported by the sources' });
  });

  it('rests an insight on facts the caller sees, and shows it only to those who see every one of them', async () => {
    const admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    const secret = await createFact(admin, { subjectId: DEMO.projects.skunkworks, sourceRefs: [{ id: DEMO.projects.skunkworks }] });
    const create = (supportingFactIds: string[]) =>
      staff<{ createKnowledgeInsight: { id: string } }>(
        `mutation ($input: CreateKnowledgeInsightInput!) { createKnowledgeInsight(input: $input) { id supportingFacts { id } } }`,
        { input: { title: 'Grounded', body: 'b', sourceRefs: refs, supportingFactIds } },
      );
    const hidden = await create([secret.id]);
    const missing = await create(['fct_missing0000000']);
    expect(extensionsOf(hidden)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'supportingFactIds[0]' });
    expect(extensionsOf(missing)).toEqual(extensionsOf(hidden));

    // Staff see the Northwind SOW through a grant; the restricted user does not.
    const northwind = await createFact(staff, {
      subjectId: DEMO.contracts.northwindSow,
      sourceRefs: [{ id: DEMO.contracts.northwindSow }],
    });
    const grounded = await create([northwind.id]);
    expect(grounded.data?.createKnowledgeInsight).toEqual({ id: expect.any(String), supportingFacts: [{ id: northwind.id }] });
    const id = grounded.data!.createKnowledgeInsight.id;
    const READS = `query ($id: ID!) { knowledgeInsight(id: $id) { id } knowledgeInsights(first: 100) { totalCount nodes { id } } }`;
    const seen = await staff<{ knowledgeInsights: { nodes: { id: string }[] } }>(READS, { id });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.knowledgeInsights.nodes).toContainEqual({ id });
    const restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));
    const notSeen = await restricted<{ knowledgeInsight: null; knowledgeInsights: { totalCount: number; nodes: { id: string }[] } }>(
      READS,
      { id },
    );
    expect(notSeen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(notSeen.data!.knowledgeInsights.nodes).not.toContainEqual({ id });
    expect(notSeen.data!.knowledgeInsights.totalCount).toBe(notSeen.data!.knowledgeInsights.nodes.length);
  });
});
