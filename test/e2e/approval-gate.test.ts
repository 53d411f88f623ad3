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
const APPROVAL = `query ($id: ID!) { agentApproval(id: $id) { id status } }`;
const PENDING = `{ approvals(status: PENDING, first: 100) { totalCount nodes { id } } }`;
const approvalIdOf = (response: Errors) => String(response.errors?.[0]?.extensions?.approvalId);

describe.each(databaseKinds())('the approval gate on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: Caller;
  let restricted: Caller;
  let agent: Caller;
  let admin: Caller;
  /** An admin's agent holding every scope: its sensitive writes reach the gate in every subgraph. */
  let adminAgent: Caller;
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
    admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    const adminToken = await stack.token('admin@wrk.demo', {
      agent: 'admin-bot',
      scopes: ['identity:read', 'identity:admin', 'core:read', 'core:write', 'files:read', 'files:write', 'agents:read', 'agents:write'],
    });
    const adminRun = await stack.callerFor(adminToken)<{ startRun: { id: string } }>(
      `mutation { startRun(input: { task: "housekeeping", model: "m" }) { id } }`,
    );
    expect(adminRun.errors).toBeUndefined();
    adminAgent = stack.callerWith(adminToken, () => ({ wrk: { runId: adminRun.data!.startRun.id, sourceRefs: SOURCES } }));
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

  it('refuses an edit that points the proposal at another entity; the approval stays pending, nothing applied', async () => {
    const id = await propose('Acme MSA (retargeted?)');
    const other = DEMO.contracts.northwindSow;
    const otherBefore = (await staff<{ contract: { title: string } }>(CONTRACT, { id: other })).data!.contract.title;
    const retargeted = await staff(APPROVE, { id, edit: { id: other } });
    expect(codes(retargeted)).toEqual(['BAD_USER_INPUT']);
    expect(retargeted.errors![0]!.extensions!.field).toBe('edit');
    expect((await staff<{ contract: { title: string } }>(CONTRACT, { id: other })).data!.contract.title).toBe(otherBefore);
    expect((await staff<{ agentApproval: { status: string } }>(APPROVAL, { id })).data!.agentApproval.status).toBe('PENDING');
    expect((await staff(`mutation ($id: ID!) { rejectApproval(id: $id, reason: "test done") { id } }`, { id })).errors).toBeUndefined();
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

  it('holds a direct sensitive write by an agent in every subgraph: core, files, identity and agents', async () => {
    const core = await adminAgent(`mutation ($id: ID!) { archiveAction(id: $id) { id } }`, { id: DEMO.actions.sendDraft });
    const files = await adminAgent(`mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`, { id: DEMO.projectDocuments.acmeMsa });
    const identity = await adminAgent(`mutation { createUser(input: { email: "held-${Date.now()}@wrk.demo", name: "Held" }) { id } }`);
    const fact = await adminAgent<{ createKnowledgeFact: { id: string } }>(
      `mutation ($refs: [SourceRefInput!]!) { createKnowledgeFact(input: {
        subjectId: "${DEMO.contracts.acmeMsa}", predicate: "renewal_rate", value: "5%", confidence: 0.8, sourceRefs: $refs }) { id } }`,
      { refs: SOURCES },
    );
    expect(fact.errors).toBeUndefined();
    const factId = fact.data!.createKnowledgeFact.id;
    const DEPRECATE = `mutation ($id: ID!) { deprecateFact(id: $id, reason: "misread") { id status } }`;
    const agents = await adminAgent(DEPRECATE, { id: factId });
    for (const held of [core, files, identity, agents]) expect(codes(held)).toEqual(['APPROVAL_REQUIRED']);
    expect([core, files, identity, agents].map((held) => held.errors![0]!.extensions!.reason)).toEqual([
      'ARCHIVE',
      'ARCHIVE',
      'PERMISSION_OR_TOKEN_CHANGE',
      'ARCHIVE',
    ]);
    const FACT = `query ($id: ID!) { knowledgeFact(id: $id) { status statusChangedBy } }`;
    const still = await staff(`query ($a: ID!, $d: ID!) { action(id: $a) { id } projectDocument(id: $d) { id } }`, {
      a: DEMO.actions.sendDraft,
      d: DEMO.projectDocuments.acmeMsa,
    });
    expect(still.data).toEqual({ action: { id: DEMO.actions.sendDraft }, projectDocument: { id: DEMO.projectDocuments.acmeMsa } });
    expect((await staff(FACT, { id: factId })).data!.knowledgeFact.status).toBe('ACTIVE');

    // The agents subgraph applies its own held write through its /internal/apply, for the agent.
    const approved = await staff(APPROVE, { id: approvalIdOf(agents) });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveApproval.status).toBe('APPLIED');
    expect((await staff(FACT, { id: factId })).data!.knowledgeFact).toEqual({ status: 'DEPRECATED', statusChangedBy: DEMO.users.staff });
    const audit = await db.query(`SELECT actor, on_behalf_of FROM platform.audit_logs WHERE entity_id = $1 AND action = 'archive'`, [
      factId,
    ]);
    expect(audit.rows).toEqual([{ actor: DEMO.users.staff, on_behalf_of: 'agent:admin-bot' }]);
  });

  it('lets only who may write the target decide: a reader sees the proposal in the inbox but may not decide it', async () => {
    // Staff reads the restricted Northwind SOW through a read grant; only its owner (admin) may change it.
    const held = await adminAgent(UPDATE_CONTRACT, { id: DEMO.contracts.northwindSow, title: 'Northwind SOW (agent)' });
    expect(codes(held)).toEqual(['APPROVAL_REQUIRED']);
    const id = approvalIdOf(held);
    const inbox = await staff(INBOX, { target: DEMO.contracts.northwindSow });
    expect(inbox.data!.approvals.nodes.map((node: { id: string }) => node.id)).toContain(id);
    const approve = await staff(APPROVE, { id });
    const edited = await staff(APPROVE, { id, edit: { title: 'Northwind SOW (edited by a reader)' } });
    const reject = await staff(REJECT, { id, reason: 'not mine to say' });
    expect([codes(approve), codes(edited), codes(reject)]).toEqual([['FORBIDDEN'], ['FORBIDDEN'], ['FORBIDDEN']]);
    expect((await admin(APPROVAL, { id })).data!.agentApproval.status).toBe('PENDING');
    expect((await admin(CONTRACT, { id: DEMO.contracts.northwindSow })).data!.contract.title).not.toMatch(/agent|reader/);
    const rejected = await admin(REJECT, { id, reason: 'not now' });
    expect(rejected.data!.rejectApproval).toMatchObject({ status: 'REJECTED', decidedBy: DEMO.users.admin });
  });

  it('shows a held creation to who sees what it names; one naming nothing, and a permission change, to admins only', async () => {
    const CREATE = `mutation ($org: ID!, $project: ID!) { createContract(input: { title: "Agent contract", organizationId: $org, projectId: $project }) { id } }`;
    const secret = approvalIdOf(await adminAgent(CREATE, { org: DEMO.organizations.northwind, project: DEMO.projects.skunkworks }));
    const open = approvalIdOf(await adminAgent(CREATE, { org: DEMO.organizations.acme, project: DEMO.projects.platform }));
    const user = approvalIdOf(
      await adminAgent(`mutation { createUser(input: { email: "scope-${Date.now()}@wrk.demo", name: "Scoped" }) { id } }`),
    );
    const request = await adminAgent<{ requestApproval: { id: string } }>(
      `mutation ($refs: [SourceRefInput!]!) { requestApproval(input: { action: "send_letter", payload: {}, sourceRefs: $refs }) { id } }`,
      { refs: SOURCES },
    );
    expect(request.errors).toBeUndefined();
    const untargeted = request.data!.requestApproval.id;
    const ids = [secret, open, user, untargeted];
    expect(ids.every((id) => id.startsWith('apr_'))).toBe(true);
    const inboxOf = async (caller: Caller) => {
      const page = await caller(PENDING);
      expect(page.data!.approvals.totalCount).toBe(page.data!.approvals.nodes.length);
      return (page.data!.approvals.nodes as { id: string }[]).map((node) => node.id).filter((id) => ids.includes(id));
    };
    expect((await inboxOf(staff)).sort()).toEqual([open]);
    expect((await inboxOf(admin)).sort()).toEqual([...ids].sort());
    for (const hidden of [secret, user, untargeted]) expect(codes(await staff(APPROVAL, { id: hidden }))).toEqual(['NOT_FOUND']);
    expect(codes(await staff(APPROVE, { id: secret }))).toEqual(['NOT_FOUND']);
  });

  it('holds a new user (who gets a role) and a change of team membership as permission changes', async () => {
    const email = `agent-made-${Date.now()}@wrk.demo`;
    const members = `SELECT count(*)::int AS n FROM identity.team_memberships m JOIN identity.users u ON u.id = m.user_id WHERE u.external_id = $1`;
    const membersBefore = (await db.query(members, [DEMO.users.restricted])).rows;
    const created = await adminAgent(
      `mutation ($email: String!) { createUser(input: { email: $email, name: "Agent-made", role: ADMIN }) { id } }`,
      {
        email,
      },
    );
    const joined = await adminAgent(
      `mutation ($team: ID!, $user: ID!) { addTeamMember(teamId: $team, userId: $user, role: "lead") { id } }`,
      {
        team: DEMO.teams.contracts,
        user: DEMO.users.restricted,
      },
    );
    for (const held of [created, joined]) {
      expect(codes(held)).toEqual(['APPROVAL_REQUIRED']);
      expect(held.errors![0]!.extensions!.reason).toBe('PERMISSION_OR_TOKEN_CHANGE');
    }
    expect((await db.query(members, [DEMO.users.restricted])).rows).toEqual(membersBefore);
    const users = `SELECT role FROM identity.users WHERE email = $1`;
    expect((await db.query(users, [email])).rows).toEqual([]);
    const approved = await admin(APPROVE, { id: approvalIdOf(created) });
    expect(approved.errors).toBeUndefined();
    expect((await db.query(users, [email])).rows).toEqual([{ role: 'admin' }]);
  });

  it('applies exactly the held mutation of a request that carried two: the other one ran once, unheld', async () => {
    const actionTitle = `Agent action ${Date.now()}`;
    const TWO = `mutation Two($action: String!, $title: String!) {
      createAction(input: { title: $action }) { id }
      updateContract(id: "${DEMO.contracts.acmeMsa}", input: { title: $title }) { id } }`;
    const both = await agent(TWO, { action: actionTitle, title: 'Acme MSA (two at once)' });
    expect(codes(both)).toEqual(['APPROVAL_REQUIRED']);
    const id = approvalIdOf(both);
    const actions = `SELECT count(*)::int AS n FROM core.actions WHERE title = $1`;
    expect((await db.query(actions, [actionTitle])).rows).toEqual([{ n: 1 }]);
    const stored = await db.query(`SELECT operation, variables FROM agents.agent_approvals WHERE external_id = $1`, [id]);
    expect(stored.rows[0].operation).not.toContain('createAction');
    expect(stored.rows[0].variables).toEqual({ title: 'Acme MSA (two at once)' });
    const approved = await staff(APPROVE, { id });
    expect(approved.errors).toBeUndefined();
    expect(await title()).toBe('Acme MSA (two at once)');
    expect((await db.query(actions, [actionTitle])).rows).toEqual([{ n: 1 }]);
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
    // A grant has no target yet: only admins see it in the inbox.
    expect(codes(await staff(APPROVAL, { id: approvalIdOf(held) }))).toEqual(['NOT_FOUND']);
    const decision = `query ($id: ID!) { decision(id: $id) { id } }`;
    const beforeApproval = await restricted(decision, { id: DEMO.decisions.layoffs });
    expect(codes(beforeApproval)).toEqual(['NOT_FOUND']);

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
