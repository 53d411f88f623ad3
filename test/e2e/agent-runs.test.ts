import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type Caller, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * A run's life through the gateway: an agent starts it (as itself), appends steps (in order, even when sent at once),
 * finishes it once; only its starter writes to it; a run left idle is closed by the worker's job, not on read.
 */
const START = `mutation ($input: StartRunInput!) { startRun(input: $input) { id agentName task model parameters status initiatedBy startedAt finishedAt } }`;
const APPEND = `mutation ($run: ID!, $input: AppendStepInput!) { appendStep(runId: $run, input: $input) { id stepIndex status durationMs } }`;
const FINISH = `mutation ($run: ID!, $input: FinishRunInput!) { finishRun(runId: $run, input: $input) { id status tokens costUsd error finishedAt } }`;
const TRACE = `query ($id: ID!) { agentRun(id: $id) { status steps { stepIndex tool status durationMs sourceRefs { id } } } }`;

const refs = [{ id: DEMO.contracts.acmeMsa, quote: 'Fees: EUR 120,000.00' }];
const extensionsOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions;

describe.each(databaseKinds())('agent runs on %s Postgres', (kind) => {
  let stack: TestStack;
  let agent: Caller;
  let agentToken: string;
  let otherAgent: Caller;
  let staff: Caller;
  let db: pg.Pool;
  const agentScopes = ['agents:read', 'agents:write', 'core:read'];

  beforeAll(async () => {
    stack = await startTestStack(kind);
    agentToken = await stack.token('staff@wrk.demo', { agent: 'runner', scopes: agentScopes });
    agent = stack.callerFor(agentToken);
    otherAgent = stack.callerFor(await stack.token('staff@wrk.demo', { agent: 'runner', scopes: agentScopes }));
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const start = async (caller: Caller, input: Record<string, unknown> = {}) => {
    const started = await caller<{ startRun: { id: string } }>(START, { input: { task: 'Review the MSA', model: 'm', ...input } });
    expect(started.errors).toBeUndefined();
    return started.data!.startRun.id;
  };

  it('starts a run as the token’s own agent, never one named in the input; staff name one to test by hand', async () => {
    const started = await agent(START, { input: { task: 'Review the MSA', model: 'claude', parameters: { temperature: 0.2 } } });
    expect(started.errors).toBeUndefined();
    expect(started.data!.startRun).toMatchObject({
      agentName: 'runner',
      task: 'Review the MSA',
      model: 'claude',
      parameters: { temperature: 0.2 },
      status: 'RUNNING',
      initiatedBy: DEMO.users.staff,
      finishedAt: null,
    });
    const impersonating = await agent(START, { input: { agentName: 'contract-reviewer', task: 't', model: 'm' } });
    expect(extensionsOf(impersonating)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agentName' });
    expect(extensionsOf(await staff(START, { input: { task: 't', model: 'm' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'agentName',
    });
    expect((await staff(START, { input: { agentName: 'tester', task: 't', model: 'm' } })).data?.startRun).toMatchObject({
      agentName: 'tester',
    });
  });

  it('appends steps in order, one index each even when sent at once, and shows them as the trace', async () => {
    const run = await start(agent);
    const tools = ['box.read_file', 'contract.extract_terms', 'contract.compare', 'summarise', 'check'];
    const appended = await Promise.all(
      tools.map((tool, index) =>
        agent<{ appendStep: { stepIndex: number } }>(APPEND, {
          run,
          input: { tool, durationMs: 100 * index, status: index === 2 ? 'FAILED' : null, sourceRefs: refs },
        }),
      ),
    );
    expect(appended.map((response) => response.errors)).toEqual(tools.map(() => undefined));
    expect(appended.map((response) => response.data!.appendStep.stepIndex).sort()).toEqual([0, 1, 2, 3, 4]);
    const trace = await agent<{ agentRun: { steps: { stepIndex: number; tool: string }[] } }>(TRACE, { id: run });
    const steps = trace.data!.agentRun.steps;
    expect(steps.map((step) => step.stepIndex)).toEqual([0, 1, 2, 3, 4]);
    // Each step keeps what it was sent with, whatever index it got.
    for (const step of steps) {
      const index = tools.indexOf(step.tool);
      expect(step).toMatchObject({
        durationMs: 100 * index,
        status: index === 2 ? 'FAILED' : 'SUCCEEDED',
        sourceRefs: [{ id: refs[0]!.id }],
      });
    }
    const bad = await agent(APPEND, { run, input: { tool: 't', durationMs: -1, sourceRefs: refs } });
    expect(extensionsOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'durationMs' });
  });

  it('lets only the run’s starter append to it or finish it', async () => {
    const run = await start(agent);
    const step = await otherAgent(APPEND, { run, input: { tool: 't', sourceRefs: refs } });
    expect(extensionsOf(step)).toMatchObject({ code: 'FORBIDDEN', field: 'runId', reason: 'NOT_YOUR_RUN' });
    const finish = await staff(FINISH, { run, input: { status: 'CANCELLED' } });
    expect(extensionsOf(finish)).toMatchObject({ code: 'FORBIDDEN', field: 'runId', reason: 'NOT_YOUR_RUN' });
    const trace = await agent<{ agentRun: { status: string; steps: unknown[] } }>(TRACE, { id: run });
    expect(trace.data!.agentRun).toEqual({ status: 'RUNNING', steps: [] });
  });

  it('finishes a run once, with its outcome; a finished run takes no step and no second finish', async () => {
    const run = await start(agent);
    expect(extensionsOf(await agent(FINISH, { run, input: { status: 'SUCCEEDED', costUsd: 'free' } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'costUsd',
    });
    expect(extensionsOf(await agent(FINISH, { run, input: { status: 'SUCCEEDED', tokens: -5 } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'tokens',
    });
    const finished = await agent<{ finishRun: Record<string, unknown> }>(FINISH, {
      run,
      input: { status: 'FAILED', tokens: 1234, costUsd: '0.0125', error: 'the file was unreadable' },
    });
    expect(finished.errors).toBeUndefined();
    expect(finished.data!.finishRun).toMatchObject({ status: 'FAILED', tokens: 1234, costUsd: '0.0125', error: 'the file was unreadable' });
    expect(finished.data!.finishRun.finishedAt).toEqual(expect.any(String));
    const again = await agent(FINISH, { run, input: { status: 'SUCCEEDED' } });
    expect(extensionsOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'RUN_FINISHED', status: 'FAILED' });
    const late = await agent(APPEND, { run, input: { tool: 't', sourceRefs: refs } });
    expect(extensionsOf(late)).toMatchObject({ code: 'CONFLICT', reason: 'RUN_FINISHED' });
  });

  it('marks a run left idle ABANDONED by the worker’s job (not on read), with an audit row by the system', async () => {
    const idle = await start(agent);
    const active = await start(agent);
    // An hour and a minute without activity (the default WRK_RUN_ABANDON_AFTER is 1 h): set back in the database.
    await db.query(
      `UPDATE "agents"."agent_runs" SET started_at = now() - interval '61 minutes', last_activity_at = now() - interval '61 minutes'
        WHERE external_id = $1`,
      [idle],
    );
    const status = async (id: string) => (await agent<{ agentRun: { status: string } }>(TRACE, { id })).data!.agentRun.status;
    expect(await status(idle)).toBe('RUNNING'); // reading does not close it
    await db.query(`SELECT graphile_worker.add_job('agents_abandon_stale_runs')`);
    for (let attempt = 0; attempt < 200 && (await status(idle)) !== 'ABANDONED'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await status(idle)).toBe('ABANDONED');
    expect(await status(active)).toBe('RUNNING');
    const audit = await db.query(
      `SELECT actor, source_system AS "sourceSystem", action, after->>'status' AS status FROM "platform"."audit_logs"
        WHERE entity_id = $1 ORDER BY id`,
      [idle],
    );
    expect(audit.rows.at(-1)).toEqual({ actor: 'system', sourceSystem: 'run-reaper', action: 'update', status: 'abandoned' });
    const late = await agent(APPEND, { run: idle, input: { tool: 't', sourceRefs: refs } });
    expect(extensionsOf(late)).toMatchObject({ code: 'CONFLICT', reason: 'RUN_FINISHED', status: 'ABANDONED' });
  });

  it('lists what a run touched from the audit rows naming it, resolved across subgraphs, hidden entities left out', async () => {
    const run = await start(agent);
    // The agent's write names its run and sources (provenance, issue 11).
    const inRun = stack.callerWith(agentToken, () => ({ wrk: { runId: run, sourceRefs: refs } }));
    const fact = await inRun<{ createKnowledgeFact: { id: string } }>(
      `mutation ($input: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $input) { id } }`,
      {
        input: { runId: run, subjectId: DEMO.contracts.acmeMsa, predicate: 'billing', value: 'net 30', confidence: 0.9, sourceRefs: refs },
      },
    );
    expect(fact.errors).toBeUndefined();
    const factId = fact.data!.createKnowledgeFact.id;
    // The fact's audit row names the run (provenance); a write to the restricted Northwind SOW naming the run is added
    // by hand (an agent's contract change is held for approval, so it cannot make one directly).
    await db.query(
      `INSERT INTO "platform"."audit_logs" (external_id, entity_type, entity_id, action, actor, source_system, run_id)
       VALUES ('aud_touchedtest01', 'Contract', $1, 'update', 'agent:runner', 'agent:runner', $2)`,
      [DEMO.contracts.northwindSow, run],
    );
    const query = `query ($id: ID!) { agentRun(id: $id) { touched { entityId action at entity { id ... on KnowledgeFact { predicate } } } } }`;
    const seen = await agent<{ agentRun: { touched: Record<string, unknown>[] } }>(query, { id: run });
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.agentRun.touched).toEqual([
      { entityId: factId, action: 'create', at: expect.any(String), entity: { id: factId, predicate: 'billing' } },
      { entityId: DEMO.contracts.northwindSow, action: 'update', at: expect.any(String), entity: { id: DEMO.contracts.northwindSow } },
    ]);
    // restricted@wrk.demo sees runs (internal) but not the Northwind SOW, nor the fact (it cites the Acme MSA, which it sees).
    const restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));
    const forRestricted = await restricted<{ agentRun: { touched: { entityId: string }[] } }>(query, { id: run });
    expect(forRestricted.errors).toBeUndefined();
    expect(forRestricted.data!.agentRun.touched.map((write) => write.entityId)).toEqual([factId]);
  });
});
