/**
 * Provenance of agents' writes (issue 11): an agent token's mutation in any subgraph names its own open run and the
 * sources it derives from in the request extension `wrk`; the gateway checks them and signs them into the claims,
 * writeAndRecord refuses an agent's write without them, and the audit row stores run, sources and the user the agent
 * acted for. Human writes are unchanged.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type Caller, type TestStack } from '../support/stack.ts';

const codes = (response: { errors?: { extensions?: Record<string, unknown> }[] }) => (response.errors ?? []).map((e) => e.extensions?.code);

const UPDATE_ACTION = `mutation ($id: ID!, $title: String!) { updateAction(id: $id, input: { title: $title }) { id title } }`;
const START_RUN = `mutation { startRun(input: { task: "review", model: "m" }) { id status } }`;
const SOURCES = [{ id: DEMO.contracts.acmeMsa, quote: 'net 30' }];

describe.each(databaseKinds())('provenance of agent writes on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: Caller;
  let agentToken: string;
  let extension: Record<string, unknown> | undefined;
  let agent: Caller;
  let runId: string;
  let db: pg.Client;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    agentToken = await stack.token('staff@wrk.demo', {
      agent: 'contract-reviewer',
      scopes: ['core:read', 'core:write', 'agents:read', 'agents:write', 'files:read', 'files:write'],
    });
    agent = stack.callerWith(agentToken, () => extension);
    const run = await agent<{ startRun: { id: string } }>(START_RUN);
    expect(run.errors).toBeUndefined();
    runId = run.data!.startRun.id;
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const auditRows = async (requestId: string | null | undefined) =>
    (
      await db.query<{ actor: string; run_id: string | null; source_refs: unknown; on_behalf_of: string | null }>(
        `SELECT actor, run_id, source_refs, on_behalf_of FROM platform.audit_logs WHERE request_id = $1`,
        [requestId],
      )
    ).rows;

  it('refuses an agent write without provenance, and writes nothing', async () => {
    extension = undefined;
    const refused = await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'no provenance' });
    expect(codes(refused)).toEqual(['PROVENANCE_REQUIRED']);
    expect(await auditRows(refused.requestId)).toEqual([]);
    extension = { wrk: { runId, sourceRefs: [] } };
    const empty = await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'no sources' });
    expect(codes(empty)).toEqual(['PROVENANCE_REQUIRED']);
    expect(empty.status).toBe(400);
    extension = { wrk: { sourceRefs: SOURCES } };
    expect(codes(await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'no run' }))).toEqual(['PROVENANCE_REQUIRED']);
  });

  it("refuses a run that is not the agent's own, and sources that are malformed, missing or hidden", async () => {
    extension = { wrk: { runId: DEMO.agentRuns.review, sourceRefs: SOURCES } };
    expect(codes(await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'x' }))).toEqual(['PROVENANCE_REQUIRED']);
    extension = { wrk: { runId, sourceRefs: [1] } };
    expect(codes(await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'x' }))).toEqual(['BAD_USER_INPUT']);
    extension = { wrk: { runId, sourceRefs: [{ id: 'ctr_doesnotexist000' }] } };
    const missing = await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'x' });
    extension = { wrk: { runId, sourceRefs: [{ id: DEMO.projects.skunkworks }] } };
    const hidden = await agent(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'x' });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    // No oracle: a source the agent may not see answers exactly as one that does not exist, but for its ID.
    expect(hidden.errors?.[0]?.message.replace(DEMO.projects.skunkworks, 'ID')).toBe(
      missing.errors?.[0]?.message.replace('ctr_doesnotexist000', 'ID'),
    );
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
  });

  it('applies a write with provenance and records run, sources and the user the agent acts for', async () => {
    extension = { wrk: { runId, sourceRefs: SOURCES } };
    const written = await agent<{ updateAction: { title: string } }>(UPDATE_ACTION, {
      id: DEMO.actions.sendDraft,
      title: 'with provenance',
    });
    expect(written.errors).toBeUndefined();
    expect(written.data!.updateAction.title).toBe('with provenance');
    expect(await auditRows(written.requestId)).toEqual([
      { actor: 'agent:contract-reviewer', run_id: runId, source_refs: SOURCES, on_behalf_of: DEMO.users.staff },
    ]);
  });

  it('leaves human writes unchanged: no extension needed, no provenance recorded', async () => {
    const written = await staff(UPDATE_ACTION, { id: DEMO.actions.sendDraft, title: 'by a human' });
    expect(written.errors).toBeUndefined();
    expect(await auditRows(written.requestId)).toEqual([{ actor: DEMO.users.staff, run_id: null, source_refs: null, on_behalf_of: null }]);
  });
});
