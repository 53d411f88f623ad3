import { DEMO } from '@wrk/catalog/demo';
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
  sourceRefs: [{ type: 'Contract', id: DEMO.contracts.northwindSow, excerpt: 'net 45' }],
  ...extra,
});

describe.each(databaseKinds())('agents row-level visibility on %s Postgres', (kind) => {
  let stack: TestStack;
  let admin: Caller;
  let staff: Caller;
  let restricted: Caller;
  let hiddenFactId: string;
  const caller = (token: string): Caller => (query, variables) => stack.graphql(query, variables, stack.as(token));

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = caller(await stack.token('admin@wrk.demo'));
    staff = caller(await stack.token('staff@wrk.demo'));
    restricted = caller(await stack.token('restricted@wrk.demo'));
    const run = await admin<{ agentRun: { id: string } }>(`query ($id: ID!) { agentRun(id: $id) { id } }`, { id: DEMO.agentRuns.review });
    expect(run.errors).toBeUndefined();
    const created = await admin<{ createKnowledgeFact: { id: string } }>(CREATE_FACT, {
      input: factInput(DEMO.contracts.northwindSow, { runId: DEMO.agentRuns.review }),
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
    const result = await staff(FACT_READS, { id: hiddenFactId, subject: DEMO.contracts.northwindSow, run: DEMO.agentRuns.review });
    expect(result.errors).toBeUndefined();
    expect(result.data!.knowledgeFact).toEqual({ value: 'Net 45, secret rate card', subject: { id: DEMO.contracts.northwindSow } });
    expect(result.data!.bySubject).toEqual({ totalCount: 1, nodes: [{ id: hiddenFactId }] });
    expect(result.data!.all.totalCount).toBe(2);
    expect(result.data!.all.nodes.map((node: { id: string }) => node.id).sort()).toEqual([DEMO.knowledgeFacts.billing, hiddenFactId].sort());
    expect(result.data!.agentRun.facts.map((fact: { id: string }) => fact.id)).toEqual([DEMO.knowledgeFacts.billing, hiddenFactId]);
  });

  it('hides it from the restricted user in every read path, counts included', async () => {
    const result = await restricted(FACT_READS, { id: hiddenFactId, subject: DEMO.contracts.northwindSow, run: DEMO.agentRuns.review });
    expect(result.data!.knowledgeFact).toBeNull();
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.data!.bySubject).toEqual({ totalCount: 0, nodes: [] });
    expect(result.data!.all).toEqual({ totalCount: 1, nodes: [{ id: DEMO.knowledgeFacts.billing }] });
    expect(result.data!.agentRun.facts).toEqual([{ id: DEMO.knowledgeFacts.billing }]);
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
      agent = caller(
        await stack.token('staff@wrk.demo', {
          agent: 'contract-reviewer',
          scopes: ['agents:read', 'agents:write', 'core:read'],
          allow: [DEMO.contracts.acmeMsa],
        }),
      );
      const run = await agent<{ createAgentRun: { id: string } }>(
        `mutation { createAgentRun(input: { agentName: "contract-reviewer", prompt: "Review", model: "m" }) { id } }`,
      );
      expect(run.errors).toBeUndefined();
      ownRunId = run.data!.createAgentRun.id;
      const step = await agent(
        `mutation ($run: ID!) { recordAgentStep(input: { runId: $run, tool: "read", sourceRefs: [{ type: "Contract", id: "${DEMO.contracts.acmeMsa}" }] }) { id } }`,
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
      expect(steps.data!.agentRuns.totalCount).toBe(2);
    });

    it('sees facts about its allowed contract, not about other entities, and cannot write facts about them', async () => {
      const facts = await agent(`{ knowledgeFacts(first: 100) { totalCount nodes { id subjectId } } }`);
      expect(facts.errors).toBeUndefined();
      expect(facts.data!.knowledgeFacts).toEqual({
        totalCount: 1,
        nodes: [{ id: DEMO.knowledgeFacts.billing, subjectId: DEMO.contracts.acmeMsa }],
      });
      const hidden = await agent(`query ($id: ID!) { knowledgeFact(id: $id) { id } }`, { id: hiddenFactId });
      expect(errorCodes(hidden)).toEqual(['NOT_FOUND']);
      const refused = await agent(CREATE_FACT, { input: factInput(DEMO.contracts.northwindSow) });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'subjectId' });
      const allowed = await agent(CREATE_FACT, { input: factInput(DEMO.contracts.acmeMsa, { runId: ownRunId }) });
      expect(allowed.errors).toBeUndefined();
    });

    it('sees no approval or insight of runs it did not start', async () => {
      const result = await agent(`{ agentApprovals { totalCount } knowledgeInsights { totalCount } }`);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ agentApprovals: { totalCount: 0 }, knowledgeInsights: { totalCount: 0 } });
      const forStaff = await staff(`{ agentApprovals { totalCount } knowledgeInsights { totalCount } }`);
      expect(forStaff.data).toEqual({ agentApprovals: { totalCount: 1 }, knowledgeInsights: { totalCount: 1 } });
    });
  });
  it('redacts a source an output cites when the caller may not see it: neither its ID nor its excerpt leaks', async () => {
    const query = `query ($id: ID!) { agentStep(id: $id) { sourceRefs { type id excerpt } } }`;
    const step = await admin<{ agentStep: { sourceRefs: { id: string }[] } }>(query, { id: DEMO.agentSteps.read });
    const cited = step.data!.agentStep.sourceRefs.map((ref) => ref.id);
    expect(cited).toContain(DEMO.boxItems.acmeMsaFile);
    // restricted@wrk.demo (Box user 1003) is outside the file's Box ACL.
    const seen = await restricted<{ agentStep: { sourceRefs: { type: string; id: string; excerpt: string | null }[] } }>(query, {
      id: DEMO.agentSteps.read,
    });
    const refs = seen.data!.agentStep.sourceRefs;
    expect(refs).toHaveLength(cited.length);
    expect(refs.map((ref) => ref.id)).not.toContain(DEMO.boxItems.acmeMsaFile);
    expect(refs).toContainEqual({ type: 'redacted', id: 'redacted', excerpt: null });
    const shown = await staff<{ agentStep: { sourceRefs: { id: string }[] } }>(query, { id: DEMO.agentSteps.read });
    expect(shown.data!.agentStep.sourceRefs.map((ref) => ref.id)).toEqual(cited);
  });
  it('stores an approval request pending with its sources; refuses one without sources or on a target the agent cannot see', async () => {
    const request = `mutation ($input: RequestApprovalInput!) { requestApproval(input: $input) { status action requestedBy targetId sourceRefs { id } } }`;
    const input = { action: 'update_contract', payload: { status: 'ACTIVE' }, targetId: DEMO.contracts.acmeMsa, sourceRefs: [{ type: 'Contract', id: DEMO.contracts.acmeMsa }] };
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
    const agent = caller(await stack.token('staff@wrk.demo', { agent: 'proposer', scopes: ['agents:read', 'agents:write', 'core:read'] }));
    const outside = await agent(request, { input: { ...input, targetId: DEMO.grants.confidential } });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'targetId' });
  });
});
