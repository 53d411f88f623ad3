import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * Row-level visibility of the agents subgraph: a knowledge fact is visible only when its subject is (asked of the
 * subject's owner, with the caller's own claims); runs, steps, approvals and insights are internal, except that
 * an agent token with an allowlist sees only the runs it started (and what they produced) plus allowed entities.
 */
type Caller = <Data = Record<string, any>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;

const errorCodes = (response: GraphQLResponse<unknown>) => (response.errors ?? []).map((error) => error.extensions?.code);

const CREATE_FACT = `mutation ($input: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $input) { id } }`;
const factInput = (subjectId: string, extra: Record<string, unknown> = {}) => ({
  subjectId,
  predicate: 'payment_terms',
  value: 'Net 45, secret rate card',
  confidence: 0.7,
  sourceRefs: [{ id: DEMO.contracts.northwindSow, quote: 'net 45' }],
  ...extra,
});

describe.each(databaseKinds())('agents row-level visibility on %s Postgres', (kind) => {
  let stack: TestStack;
  let admin: Caller;
  let staff: Caller;
  let restricted: Caller;
  let hiddenFactId: string;
  let adminRun: string;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));
    // A fact names only its author's own run: admin's, started here.
    const run = await admin<{ startRun: { id: string } }>(
      `mutation { startRun(input: { agentName: "visibility", task: "t", model: "m" }) { id } }`,
    );
    expect(run.errors).toBeUndefined();
    adminRun = run.data!.startRun.id;
    const created = await admin<{ createKnowledgeFact: { id: string } }>(CREATE_FACT, {
      input: factInput(DEMO.contracts.northwindSow, { runId: adminRun }),
    });
    expect(created.errors).toBeUndefined();
    hiddenFactId = created.data!.createKnowledgeFact.id;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const FACT_READS = `query ($id: ID!, $subject: ID!, $run: ID!) {
    knowledgeFact(id: $id) { value subject { id } }
    bySubject: knowledgeFacts(subjectId: $subject) { totalCount nodes { id } }
    all: knowledgeFacts(first: 100) { totalCount nodes { id } }
    agentRun(id: $run) { facts { id } }
  }`;

  it('shows a fact about the restricted Northwind SOW to staff, who hold a read grant on it', async () => {
    const result = await staff(FACT_READS, { id: hiddenFactId, subject: DEMO.contracts.northwindSow, run: adminRun });
    expect(result.errors).toBeUndefined();
    expect(result.data!.knowledgeFact).toEqual({ value: 'Net 45, secret rate card', subject: { id: DEMO.contracts.northwindSow } });
    expect(result.data!.bySubject).toEqual({ totalCount: 1, nodes: [{ id: hiddenFactId }] });
    expect(result.data!.all.totalCount).toBe(2);
    expect(result.data!.all.nodes.map((node: { id: string }) => node.id).sort()).toEqual(
      [DEMO.knowledgeFacts.billing, hiddenFactId].sort(),
    );
    expect(result.data!.agentRun.facts.map((fact: { id: string }) => fact.id)).toEqual([hiddenFactId]);
  });

  it('hides it from the restricted user in every read path, counts included', async () => {
    const result = await restricted(FACT_READS, { id: hiddenFactId, subject: DEMO.contracts.northwindSow, run: adminRun });
    expect(result.data!.knowledgeFact).toBeNull();
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.data!.bySubject).toEqual({ totalCount: 0, nodes: [] });
    // The seeded billing fact cites the Acme MSA file, outside this user's Box ACL: hidden too (issue 8).
    expect(result.data!.all).toEqual({ totalCount: 0, nodes: [] });
    expect(result.data!.agentRun.facts).toEqual([]);
    expect(JSON.stringify(result)).not.toContain('secret rate card');

    const node = await restricted(`query ($id: ID!) { node(id: $id) { id ... on KnowledgeFact { value } } }`, { id: hiddenFactId });
    expect(node.data?.node ?? null).toBeNull();
    expect(errorCodes(node)).toEqual(['NOT_FOUND']);
  });

  it('refuses a fact about an entity the caller cannot see or that does not exist: NOT_FOUND naming subjectId', async () => {
    for (const subjectId of [DEMO.projects.skunkworks, 'ctr_missing0000000', 'run_missing0000000']) {
      const result = await staff(CREATE_FACT, { input: factInput(subjectId) });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'subjectId' });
    }
    const ok = await staff(CREATE_FACT, { input: factInput(DEMO.contracts.northwindSow) });
    expect(ok.errors).toBeUndefined();
  });

  describe('an agent token with an allowlist', () => {
    let agent: Caller;
    let ownRunId: string;

    beforeAll(async () => {
      // Its writes name its run and sources (issue 11), once it has started the run.
      let provenance: Record<string, unknown> | undefined;
      agent = stack.callerWith(
        await stack.token('staff@wrk.demo', {
          agent: 'contract-reviewer',
          scopes: ['agents:read', 'agents:write', 'core:read'],
          allow: [DEMO.contracts.acmeMsa],
        }),
        () => provenance,
      );
      const run = await agent<{ startRun: { id: string } }>(`mutation { startRun(input: { task: "Review", model: "m" }) { id } }`);
      expect(run.errors).toBeUndefined();
      ownRunId = run.data!.startRun.id;
      provenance = { wrk: { runId: ownRunId, sourceRefs: [{ id: DEMO.contracts.acmeMsa }] } };
      const step = await agent(
        `mutation ($run: ID!) { appendStep(runId: $run, input: { tool: "read", sourceRefs: [{ id: "${DEMO.contracts.acmeMsa}" }] }) { id } }`,
        { run: ownRunId },
      );
      expect(step.errors).toBeUndefined();
    });

    it('sees only the runs it started, with their steps', async () => {
      const result = await agent(`{ agentRuns { totalCount nodes { id steps { stepIndex } } } agentSteps { totalCount } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data!.agentRuns).toEqual({ totalCount: 1, nodes: [{ id: ownRunId, steps: [{ stepIndex: 0 }] }] });
      expect(result.data!.agentSteps.totalCount).toBe(1);
      const other = await agent(`query ($id: ID!) { agentRun(id: $id) { id } }`, { id: DEMO.agentRuns.review });
      expect(errorCodes(other)).toEqual(['NOT_FOUND']);
      const step = await agent(`query ($id: ID!) { agentStep(id: $id) { id } }`, { id: DEMO.agentSteps.read });
      expect(errorCodes(step)).toEqual(['NOT_FOUND']);
      const steps = await staff(`{ agentRuns { totalCount } }`);
      expect(steps.data!.agentRuns.totalCount).toBe(3); // the seeded run, admin's (beforeAll) and the agent's own
    });

    it('sees facts about its allowed contract, not about other entities, and cannot write facts about them', async () => {
      const facts = await agent(`{ knowledgeFacts(first: 100) { totalCount nodes { id subjectId } } }`);
      expect(facts.errors).toBeUndefined();
      // The seeded billing fact is about the allowed contract but cites a Box file, and this token holds no
      // files:read: a fact is shown only with all of its sources (issue 8).
      expect(facts.data!.knowledgeFacts).toEqual({ totalCount: 0, nodes: [] });
      const hidden = await agent(`query ($id: ID!) { knowledgeFact(id: $id) { id } }`, { id: hiddenFactId });
      expect(errorCodes(hidden)).toEqual(['NOT_FOUND']);
      const refused = await agent(CREATE_FACT, { input: factInput(DEMO.contracts.northwindSow) });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'subjectId' });
      const sourceRefs = [{ id: DEMO.contracts.acmeMsa }];
      const allowed = await agent<{ createKnowledgeFact: { id: string } }>(CREATE_FACT, {
        input: factInput(DEMO.contracts.acmeMsa, { runId: ownRunId, sourceRefs }),
      });
      expect(allowed.errors).toBeUndefined();
      const listed = await agent(`{ knowledgeFacts(first: 100) { totalCount nodes { id subjectId } } }`);
      expect(listed.data!.knowledgeFacts).toEqual({
        totalCount: 1,
        nodes: [{ id: allowed.data!.createKnowledgeFact.id, subjectId: DEMO.contracts.acmeMsa }],
      });
    });

    it('sees no approval or insight of runs it did not start', async () => {
      const result = await agent(`{ agentApprovals { totalCount } knowledgeInsights { totalCount } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ agentApprovals: { totalCount: 0 }, knowledgeInsights: { totalCount: 0 } });
      const forStaff = await staff(`{ agentApprovals { totalCount } knowledgeInsights { totalCount } }`);
      expect(forStaff.data).toEqual({ agentApprovals: { totalCount: 1 }, knowledgeInsights: { totalCount: 1 } });
    });
  });
  it('redacts a source an output cites when the caller may not see it: neither its ID nor its quote leaks', async () => {
    const query = `query ($id: ID!) { agentStep(id: $id) { sourceRefs { id quote } } }`;
    const step = await admin<{ agentStep: { sourceRefs: { id: string }[] } }>(query, { id: DEMO.agentSteps.read });
    const cited = step.data!.agentStep.sourceRefs.map((ref) => ref.id);
    expect(cited).toContain(DEMO.boxItems.acmeMsaFile);
    // restricted@wrk.demo (Box user 1003) is outside the file's Box ACL.
    const seen = await restricted<{ agentStep: { sourceRefs: { id: string; quote: string | null }[] } }>(query, {
      id: DEMO.agentSteps.read,
    });
    const refs = seen.data!.agentStep.sourceRefs;
    expect(refs).toHaveLength(cited.length);
    expect(refs.map((ref) => ref.id)).not.toContain(DEMO.boxItems.acmeMsaFile);
    expect(refs).toContainEqual({ id: 'redacted', quote: null });
    const shown = await staff<{ agentStep: { sourceRefs: { id: string }[] } }>(query, { id: DEMO.agentSteps.read });
    expect(shown.data!.agentStep.sourceRefs.map((ref) => ref.id)).toEqual(cited);
  });
  it('stores an approval request pending with its sources; refuses one without sources or on a target the agent cannot see', async () => {
    const request = `mutation ($input: RequestApprovalInput!) { requestApproval(input: $input) { status action requestedBy targetId sourceRefs { id } } }`;
    const input = {
      action: 'update_contract',
      payload: { status: 'ACTIVE' },
      targetId: DEMO.contracts.acmeMsa,
      sourceRefs: [{ id: DEMO.contracts.acmeMsa }],
    };
    const ok = await staff<{ requestApproval: Record<string, unknown> }>(request, { input });
    expect(ok.data!.requestApproval).toEqual({
      status: 'PENDING',
      action: 'update_contract',
      requestedBy: DEMO.users.staff,
      targetId: DEMO.contracts.acmeMsa,
      sourceRefs: [{ id: DEMO.contracts.acmeMsa }],
    });
    expect((await staff(request, { input: { ...input, sourceRefs: [] } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'sourceRefs',
    });
    const hidden = await restricted(request, { input: { ...input, targetId: DEMO.contracts.northwindSow } });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // restricted users hold no agents:write
    const agent = stack.callerFor(
      await stack.token('staff@wrk.demo', { agent: 'proposer', scopes: ['agents:read', 'agents:write', 'core:read'] }),
    );
    const outside = await agent(request, { input: { ...input, targetId: DEMO.grants.confidential } });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'targetId' });
  });

  it('shows an approval only to callers who may see its target, on every read path', async () => {
    // An approval names the caller's own open run (issue 11).
    const run = (
      await staff<{ startRun: { id: string } }>(`mutation { startRun(input: { agentName: "proposer", task: "t", model: "m" }) { id } }`)
    ).data!.startRun.id;
    const created = await staff<{ requestApproval: { id: string } }>(
      `mutation ($input: RequestApprovalInput!) { requestApproval(input: $input) { id } }`,
      {
        input: {
          runId: run,
          action: 'update_contract',
          payload: { rate: 'secret rate card' },
          targetId: DEMO.contracts.northwindSow,
          sourceRefs: [{ id: DEMO.contracts.acmeMsa }],
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.requestApproval.id;
    const READS = `query ($id: ID!, $run: ID!) {
      agentApproval(id: $id) { targetId payload }
      agentApprovals(first: 100) { totalCount nodes { id targetId payload } }
      agentRun(id: $run) { approvals { id } }
    }`;
    const seen = await staff(READS, { id, run });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.agentApproval).toEqual({ targetId: DEMO.contracts.northwindSow, payload: { rate: 'secret rate card' } });
    expect(seen.data!.agentRun.approvals).toContainEqual({ id });

    const hidden = await restricted(READS, { id, run });
    expect(errorCodes(hidden)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(hidden)).not.toContain('secret rate card');
    expect(JSON.stringify(hidden)).not.toContain(DEMO.contracts.northwindSow);
    expect(hidden.data!.agentApprovals.totalCount).toBe(seen.data!.agentApprovals.totalCount - 1);
    expect(hidden.data!.agentApprovals.nodes).toHaveLength(hidden.data!.agentApprovals.totalCount);
    expect(hidden.data!.agentRun.approvals).not.toContainEqual({ id });
    const node = await restricted(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [id] });
    expect(node.data?.nodes).toEqual([null]);
    expect(errorCodes(node)).toEqual(['NOT_FOUND']);
  });

  it('shows facts and insights only to callers who may see all of their sources, on every read path', async () => {
    const secretSource = [{ id: DEMO.contracts.acmeMsa }, { id: DEMO.contracts.northwindSow, quote: 'net 45' }];
    const started = await staff<{ startRun: { id: string } }>(
      `mutation { startRun(input: { agentName: "comparer", task: "t", model: "m" }) { id } }`,
    );
    const run = started.data!.startRun.id;
    const insight = await staff<{ createKnowledgeInsight: { id: string } }>(
      `mutation ($input: CreateKnowledgeInsightInput!) { createKnowledgeInsight(input: $input) { id } }`,
      {
        input: {
          runId: run,
          title: 'Northwind undercuts Acme',
          body: 'A rate card comparison',
          sourceRefs: secretSource,
        },
      },
    );
    expect(insight.errors).toBeUndefined();
    // A fact about a contract everyone sees, derived from one they may not.
    const fact = await staff<{ createKnowledgeFact: { id: string } }>(CREATE_FACT, {
      input: factInput(DEMO.contracts.acmeMsa, { runId: run, sourceRefs: secretSource, value: 'Northwind pays less' }),
    });
    expect(fact.errors).toBeUndefined();
    const ids = { insight: insight.data!.createKnowledgeInsight.id, fact: fact.data!.createKnowledgeFact.id };
    const READS = `query ($insight: ID!, $fact: ID!, $run: ID!, $subject: ID!) {
      knowledgeInsight(id: $insight) { title }
      knowledgeFact(id: $fact) { value }
      knowledgeInsights(first: 100) { totalCount nodes { id title body } }
      knowledgeFacts(first: 100) { totalCount nodes { id value } }
      bySubject: knowledgeFacts(subjectId: $subject) { totalCount nodes { id } }
      agentRun(id: $run) { facts { id } insights { id } }
    }`;
    const variables = { ...ids, run, subject: DEMO.contracts.acmeMsa };
    const seen = await staff(READS, variables);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.knowledgeInsight).toEqual({ title: 'Northwind undercuts Acme' });
    expect(seen.data!.bySubject.nodes).toContainEqual({ id: ids.fact });

    const hidden = await restricted(READS, variables);
    expect(errorCodes(hidden)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    const text = JSON.stringify(hidden);
    for (const secret of ['Northwind undercuts', 'rate card comparison', 'Northwind pays less']) expect(text).not.toContain(secret);
    expect(JSON.stringify(hidden.data)).not.toMatch(new RegExp(`${ids.insight}|${ids.fact}`));
    for (const list of ['knowledgeInsights', 'knowledgeFacts', 'bySubject'] as const) {
      expect(hidden.data![list].nodes).toHaveLength(hidden.data![list].totalCount);
    }
    expect(hidden.data!.agentRun).toEqual({ facts: [], insights: [] });
    const nodes = await restricted(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [ids.insight, ids.fact] });
    expect(nodes.data?.nodes).toEqual([null, null]);
    expect(errorCodes(nodes)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });
});
