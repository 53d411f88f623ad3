/**
 * The approval gate (issue 11): an agent's sensitive write is not applied but held as a PENDING approval (operation,
 * variables, target, diff, version, run, sources, expiry) and answered APPROVAL_REQUIRED with its ID; a staff user who
 * may write the target edits and approves it, and the owner applies it through its normal write path, attributed to
 * the approver on behalf of the agent; rejected, expired and stale proposals change nothing.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { CLAIMS_HEADER, signClaims } from '@wrk/platform';
import { databaseKinds } from '../support/databases.ts';
import { postGraphQL, startTestStack, type Caller, type TestStack } from '../support/stack.ts';

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const codes = (response: Errors) => (response.errors ?? []).map((e) => e.extensions?.code);

const UPDATE_CONTRACT = `mutation Propose($id: ID!, $title: String!) { updateContract(id: $id, input: { title: $title }) { id title } }`;
const CONTRACT = `query ($id: ID!) { contract(id: $id) { title } }`;
const APPROVE = `mutation ($id: ID!, $edit: JSON) { approveApproval(id: $id, edit: $edit) { id status decidedBy appliedAt } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectApproval(id: $id, reason: $reason) { id status reason decidedBy } }`;
const INBOX = `query ($target: ID) { approvals(status: PENDING, targetId: $target) { totalCount nodes { id action operationName diff targetVersion requestedBy run { id } sourceRefs { id } } } }`;
const SOURCES = [{ id: DEMO.contracts.acmeMsa, quote: 'renewal at 5%' }];

describe.each(databaseKinds())('the approval gate on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: Caller;
  let restricted: Caller;
  let agent: Caller;
  let runId: string;
  let db: pg.Client;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));
    const token = await stack.token('staff@wrk.demo', {
      agent: 'contract-reviewer',
      scopes: ['core:read', 'core:write', 'agents:read', 'agents:write', 'files:read', 'files:write'],
    });
    let extension: Record<string, unknown> | undefined;
    agent = stack.callerWith(token, () => extension);
    const run = await agent<{ startRun: { id: string } }>(`mutation { startRun(input: { task: "renewals", model: "m" }) { id } }`);
    expect(run.errors).toBeUndefined();
    runId = run.data!.startRun.id;
    extension = { wrk: { runId, sourceRefs: SOURCES } };
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const title = async () => (await staff<{ contract: { title: string } }>(CONTRACT, { id: DEMO.contracts.acmeMsa })).data!.contract.title;

  /** The agent proposes a new title: held, APPROVAL_REQUIRED with the approval's ID, the contract unchanged. */
  async function propose(newTitle: string): Promise<string> {
    const before = await title();
    const held = await agent(UPDATE_CONTRACT, { id: DEMO.contracts.acmeMsa, title: newTitle });
    expect(codes(held)).toEqual(['APPROVAL_REQUIRED']);
    expect(held.errors![0]!.extensions!.reason).toBe('CONTRACT_CHANGE');
    expect(await title()).toBe(before);
    return String(held.errors![0]!.extensions!.approvalId);
  }

  it('holds a contract change in the inbox; a staff user edits and approves it, applied for the agent', async () => {
    const id = await propose('Acme MSA (renewed)');
    const inbox = await staff(INBOX, { target: DEMO.contracts.acmeMsa });
    expect(inbox.errors).toBeUndefined();
    const pending = inbox.data!.approvals.nodes.find((node: { id: string }) => node.id === id);
    expect(pending).toMatchObject({
      action: 'update_contract',
      // The exact operation the owner received: the gateway's fetch of the agent's `Propose` from core.
      operationName: expect.stringMatching(/^Propose/),
      requestedBy: 'agent:contract-reviewer',
      run: { id: runId },
      sourceRefs: [{ id: DEMO.contracts.acmeMsa }],
      diff: { title: { to: 'Acme MSA (renewed)' } },
    });
    expect(typeof pending.targetVersion).toBe('string');

    const approved = await staff(APPROVE, { id, edit: { title: 'Acme MSA (renewed, edited)' } });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveApproval).toMatchObject({ status: 'APPLIED', decidedBy: DEMO.users.staff });
    expect(await title()).toBe('Acme MSA (renewed, edited)');
    const audit = await db.query(
      `SELECT actor, on_behalf_of, run_id, source_refs FROM platform.audit_logs WHERE entity_id = $1 AND action = 'update' ORDER BY id DESC LIMIT 1`,
      [DEMO.contracts.acmeMsa],
    );
    expect(audit.rows).toEqual([{ actor: DEMO.users.staff, on_behalf_of: 'agent:contract-reviewer', run_id: runId, source_refs: SOURCES }]);
    const events = await db.query(`SELECT event_type FROM platform.integration_events WHERE entity_id = $1 ORDER BY id`, [id]);
    expect(events.rows.map((row: { event_type: string }) => row.event_type)).toEqual([
      'AgentApproval.create',
      'AgentApproval.update',
      'AgentApproval.update',
    ]);
    // Decided once: a second approval, or a rejection, is a conflict.
    const again = await staff(APPROVE, { id });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.errors![0]!.extensions!.reason).toBe('ALREADY_DECIDED');
  });

  it("the agent's day, end to end: reads within its scopes, records a sourced fact, proposes, and its run lists what it touched", async () => {
    // Reads what its scopes allow, and is refused the rest (it has no identity scope).
    expect((await agent(CONTRACT, { id: DEMO.contracts.acmeMsa })).errors).toBeUndefined();
    expect(codes(await agent(`{ users(first: 1) { totalCount } }`))).toEqual(['FORBIDDEN']);
    // Records a fact with its sources; refused one without sources, one citing nothing, one citing what it cannot see.
    const FACT = `mutation ($refs: [SourceRefInput!]!) { createKnowledgeFact(input: {
      subjectId: "${DEMO.contracts.acmeMsa}", predicate: "renewal_rate", value: "5%", confidence: 0.8, sourceRefs: $refs }) { id } }`;
    const fact = await agent<{ createKnowledgeFact: { id: string } }>(FACT, { refs: SOURCES });
    expect(fact.errors).toBeUndefined();
    expect(codes(await agent(FACT, { refs: [] }))).toEqual(['BAD_USER_INPUT']);
    const missing = await agent(FACT, { refs: [{ id: 'prj_missing000000' }] });
    const hidden = await agent(FACT, { refs: [{ id: DEMO.projects.skunkworks }] });
    expect(codes(missing)).toEqual(['BAD_USER_INPUT']);
    expect(codes(hidden)).toEqual(codes(missing));
    // Proposes a contract change; a staff user approves it; the run lists both writes it made, the contract among them.
    const id = await propose('Acme MSA (renewal noted)');
    expect((await staff(APPROVE, { id })).errors).toBeUndefined();
    expect(await title()).toBe('Acme MSA (renewal noted)');
    const touched = await agent<{ agentRun: { touched: { entityId: string; action: string }[] } }>(
      `query ($id: ID!) { agentRun(id: $id) { touched { entityId action } } }`,
      { id: runId },
    );
    expect(touched.errors).toBeUndefined();
    expect(touched.data!.agentRun.touched).toEqual(
      expect.arrayContaining([
        { entityId: fact.data!.createKnowledgeFact.id, action: 'create' },
        { entityId: DEMO.contracts.acmeMsa, action: 'update' },
      ]),
    );
  });

  it('changes nothing for a rejected proposal', async () => {
    const before = await title();
    const id = await propose('Rejected title');
    const rejected = await staff(REJECT, { id, reason: 'not in the contract' });
    expect(rejected.data!.rejectApproval).toMatchObject({ status: 'REJECTED', reason: 'not in the contract' });
    expect(codes(await staff(APPROVE, { id }))).toEqual(['CONFLICT']);
    expect(await title()).toBe(before);
  });

  it('refuses to approve an expired proposal', async () => {
    const before = await title();
    const id = await propose('Expired title');
    await db.query(`UPDATE agents.agent_approvals SET expires_at = now() - interval '1 second' WHERE external_id = $1`, [id]);
    const refused = await staff(APPROVE, { id });
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.extensions!.reason).toBe('EXPIRED');
    expect(await title()).toBe(before);
  });

  it('refuses a stale proposal, naming what changed, and keeps it pending', async () => {
    const id = await propose('Stale title');
    const human = await staff(UPDATE_CONTRACT, { id: DEMO.contracts.acmeMsa, title: 'Changed by a human' });
    expect(human.errors).toBeUndefined();
    const refused = await staff(APPROVE, { id });
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'STALE_PROPOSAL', changed: expect.arrayContaining(['title']) });
    expect(await title()).toBe('Changed by a human');
    const inbox = await staff(INBOX, { target: DEMO.contracts.acmeMsa });
    expect(inbox.data!.approvals.nodes.map((node: { id: string }) => node.id)).toContain(id);
  });

  it('lets only staff decide, and agents are refused', async () => {
    const id = await propose('Agent approves itself');
    expect(codes(await agent(APPROVE, { id }))).toEqual(['FORBIDDEN']);
    expect(codes(await restricted(APPROVE, { id }))).toEqual(['FORBIDDEN']);
  });

  it('holds a direct sensitive write by the agent in core (archive) and files (archive of a document)', async () => {
    const core = await agent(`mutation ($id: ID!) { archiveAction(id: $id) { id } }`, { id: DEMO.actions.sendDraft });
    expect(codes(core)).toEqual(['APPROVAL_REQUIRED']);
    expect(core.errors![0]!.extensions!.reason).toBe('ARCHIVE');
    const files = await agent(`mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`, { id: DEMO.projectDocuments.acmeMsa });
    expect(codes(files)).toEqual(['APPROVAL_REQUIRED']);
    const still = await staff(`query ($a: ID!, $d: ID!) { action(id: $a) { id } projectDocument(id: $d) { id } }`, {
      a: DEMO.actions.sendDraft,
      d: DEMO.projectDocuments.acmeMsa,
    });
    expect(still.errors).toBeUndefined();
    expect(still.data).toEqual({ action: { id: DEMO.actions.sendDraft }, projectDocument: { id: DEMO.projectDocuments.acmeMsa } });
  });

  it("holds a permission change by an admin's agent in identity, and an admin approves it", async () => {
    const token = await stack.token('admin@wrk.demo', {
      agent: 'ops-bot',
      scopes: ['identity:read', 'identity:admin', 'agents:read', 'agents:write'],
    });
    const headers = stack.as(token);
    const run = await stack.graphql<{ startRun: { id: string } }>(
      `mutation { startRun(input: { task: "grants", model: "m" }) { id } }`,
      {},
      headers,
    );
    expect(run.errors).toBeUndefined();
    const provenance = { wrk: { runId: run.data!.startRun.id, sourceRefs: [{ id: DEMO.decisions.layoffs }] } };
    const grant = `mutation ($entity: ID!, $subject: String!) {
      grantPermission(input: { entityId: $entity, subjectType: USER, subjectId: $subject, permission: READ }) { id } }`;
    const variables = { entity: DEMO.decisions.layoffs, subject: DEMO.users.restricted };
    const held = await postGraphQL(stack.gatewayUrl, grant, variables, headers, provenance);
    expect(codes(held)).toEqual(['APPROVAL_REQUIRED']);
    expect(held.errors![0]!.extensions!.reason).toBe('PERMISSION_OR_TOKEN_CHANGE');
    const decision = `query ($id: ID!) { decision(id: $id) { id } }`;
    const beforeApproval = await restricted(decision, { id: DEMO.decisions.layoffs });
    expect(codes(beforeApproval)).toEqual(['NOT_FOUND']);

    const admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    const approved = await admin(APPROVE, { id: held.errors![0]!.extensions!.approvalId });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveApproval.status).toBe('APPLIED');
    const afterApproval = await restricted(decision, { id: DEMO.decisions.layoffs });
    expect(afterApproval.data!.decision).toEqual({ id: DEMO.decisions.layoffs });
  });

  it('applies only at the request of agents: the gateway itself, or a caller straight to a subgraph, cannot apply', async () => {
    const body = {
      operation: { query: UPDATE_CONTRACT, operationName: 'Propose', variables: { id: DEMO.contracts.acmeMsa, title: 'Forged' } },
      approval: { approvalId: 'apr_forged0000001', requestedBy: 'agent:x', targetId: DEMO.contracts.acmeMsa },
    };
    const claims = { kind: 'staff' as const, sub: DEMO.users.admin, role: 'admin', scopes: ['core:write'], teams: [], requestId: 'forged' };
    const coreUrl = stack.subgraphUrls.core.replace(/\/graphql$/, '/internal/apply');
    const signedByGateway: Record<string, string> = { [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, 'core', body, claims) };
    for (const headers of [{}, signedByGateway]) {
      const response = await fetch(coreUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(401);
    }
    expect(await title()).not.toBe('Forged');
  });
});
