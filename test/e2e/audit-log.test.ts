/**
 * `auditLog(entity:)` through the gateway: the recorded changes of an entity, newest first, attributed; only
 * for an entity the caller may see, and without entries naming one they may not. A write that fails leaves
 * no audit row and no outbox event, and a failure of the outbox insert takes the write down with it.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

interface Entry {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string;
  sourceSystem: string;
  requestId: string | null;
  createdAt: string;
  before: Record<string, any> | null;
  after: Record<string, any> | null;
  diff: Record<string, any> | null;
}

const AUDIT_LOG = `query ($entity: ID!, $first: Int) { auditLog(entity: $entity, first: $first) {
  id entityType entityId action actor sourceSystem requestId createdAt before after diff } }`;

describe.each(databaseKinds())('the audit log on %s Postgres', (kind) => {
  let stack: TestStack;
  let db: pg.Pool;
  const as: Record<'admin' | 'staff' | 'restricted', Record<string, string>> = {} as never;
  let counter = 0;
  const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}`;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    as.admin = stack.as(await stack.token('admin@wrk.demo'));
    as.staff = stack.as(await stack.token('staff@wrk.demo'));
    as.restricted = stack.as(await stack.token('restricted@wrk.demo'));
    db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const admin = async <Data = Record<string, any>>(query: string, variables?: Record<string, unknown>) => {
    const result = await stack.graphql<Data>(query, variables, as.admin);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  const auditLog = (principal: keyof typeof as, entity: string, first?: number): Promise<GraphQLResponse<{ auditLog: Entry[] }>> =>
    stack.graphql<{ auditLog: Entry[] }>(AUDIT_LOG, { entity, first }, as[principal]);
  const counts = async () => {
    const { rows } = await db.query<{ audits: string; events: string }>(
      'SELECT (SELECT count(*) FROM platform.audit_logs) AS audits, (SELECT count(*) FROM platform.integration_events) AS events',
    );
    return { audits: Number(rows[0]!.audits), events: Number(rows[0]!.events) };
  };

  it('shows an entity’s create, update and relation entries, newest first, with actor, source system and request', async () => {
    const name = unique('Audited Org');
    const org = (
      await admin<{ createOrganization: { id: string } }>(
        `mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`,
        { name },
      )
    ).createOrganization.id;
    await admin(`mutation ($id: ID!, $name: String!) { updateOrganization(id: $id, input: { name: $name }) { id } }`, {
      id: org,
      name: `${name} Ltd`,
    });
    await admin(`mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`, {
      input: { relation: 'ORGANIZATION_PERSON', fromId: org, toId: DEMO.people.ada },
    });

    const result = await auditLog('admin', org);
    expect(result.errors).toBeUndefined();
    const entries = result.data!.auditLog;
    expect(entries.map((entry) => entry.action)).toEqual(['link', 'update', 'create']);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        id: expect.stringMatching(/^aud_[0-9a-z]+$/),
        entityType: 'Organization',
        entityId: org,
        actor: DEMO.users.admin,
        sourceSystem: 'web',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(Number.isNaN(Date.parse(entry.createdAt))).toBe(false);
    }
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(3);
    const [link, update, create] = entries;
    expect(create!.before).toBeNull();
    expect(create!.after).toMatchObject({ externalId: org, name });
    expect(update!.before).toMatchObject({ name });
    expect(update!.after).toMatchObject({ name: `${name} Ltd` });
    expect(update!.diff).toMatchObject({ name: { from: name, to: `${name} Ltd` } });
    expect(link!.after).toMatchObject({ relation: 'ORGANIZATION_PERSON', toId: DEMO.people.ada });

    // `first` keeps the newest.
    expect((await auditLog('admin', org, 1)).data!.auditLog.map((entry) => entry.action)).toEqual(['link']);
    // Staff see the same public organisation's trail.
    expect((await auditLog('staff', org)).data!.auditLog.map((entry) => entry.id)).toEqual(entries.map((entry) => entry.id));
  });

  it('shows a link’s entry on the link', async () => {
    const link = (
      await admin<{ createEntityLink: { id: string } }>(
        `mutation { createEntityLink(from: "${DEMO.people.grace}", to: "${DEMO.projects.platform}", linkType: "${unique('audit').replace(/\W/g, '_').toLowerCase()}") { id } }`,
      )
    ).createEntityLink.id;
    const result = await auditLog('admin', link);
    expect(result.data!.auditLog).toEqual([
      expect.objectContaining({ entityType: 'EntityLink', entityId: link, action: 'link', actor: DEMO.users.admin, sourceSystem: 'web' }),
    ]);
  });

  it('gives NOT_FOUND for the trail of a restricted entity the caller may not see', async () => {
    const contract = (
      await admin<{ createContract: { id: string } }>(
        `mutation { createContract(input: { title: "Audited secret", organizationId: "${DEMO.organizations.acme}", visibility: RESTRICTED }) { id } }`,
      )
    ).createContract.id;
    const seen = await auditLog('admin', contract);
    expect(seen.data!.auditLog.map((entry) => entry.action)).toEqual(['create']);
    for (const principal of ['restricted', 'staff'] as const) {
      const hidden = await auditLog(principal, contract);
      expect(hidden.data?.auditLog ?? null).toBeNull();
      expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // A seeded restricted entity, and one that does not exist, answer the same.
    expect((await auditLog('restricted', DEMO.contracts.northwindSow)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await auditLog('admin', 'ctr_doesnotexist0000')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await auditLog('admin', 'garbage')).errors?.[0]?.extensions?.code).toBe('INVALID_ID');
  });

  it('leaves out an entry naming another entity the caller may not see', async () => {
    const name = unique('Grantee Org');
    const org = (
      await admin<{ createOrganization: { id: string } }>(
        `mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`,
        { name },
      )
    ).createOrganization.id;
    await admin(`mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`, {
      input: { relation: 'ORGANIZATION_GRANT', fromId: org, toId: DEMO.grants.confidential },
    });
    expect((await auditLog('admin', org)).data!.auditLog.map((entry) => [entry.action, entry.after?.toId ?? null])).toEqual([
      ['link', DEMO.grants.confidential],
      ['create', null],
    ]);
    const asRestricted = await auditLog('restricted', org);
    expect(asRestricted.errors).toBeUndefined();
    expect(asRestricted.data!.auditLog.map((entry) => entry.action)).toEqual(['create']);
    expect(JSON.stringify(asRestricted.data)).not.toContain(DEMO.grants.confidential);
  });

  it('redacts snapshots as the live object is redacted, and hides the trail of an output the caller may not see', async () => {
    const run = await stack.graphql<{ startRun: { id: string } }>(
      `mutation { startRun(input: { agentName: "auditor", task: "Compare", model: "m" }) { id } }`,
      {},
      as.staff,
    );
    expect(run.errors).toBeUndefined();
    const sourceRefs = [
      { id: DEMO.contracts.acmeMsa, quote: 'public clause' },
      { id: DEMO.contracts.northwindSow, quote: 'secret rate card' },
    ];
    const step = await stack.graphql<{ appendStep: { id: string } }>(
      `mutation ($run: ID!, $input: AppendStepInput!) { appendStep(runId: $run, input: $input) { id } }`,
      { run: run.data!.startRun.id, input: { tool: 'compare', sourceRefs } },
      as.staff,
    );
    expect(step.errors).toBeUndefined();
    const stepId = step.data!.appendStep.id;

    // Staff hold a read grant on the Northwind SOW: they see the source in the live step and in its trail.
    const forStaff = await auditLog('staff', stepId);
    expect(forStaff.errors).toBeUndefined();
    expect(forStaff.data!.auditLog[0]!.after!.sourceRefs).toMatchObject(sourceRefs);

    // The restricted user sees the step with that source redacted, and its trail the same way, diff included.
    const live = await stack.graphql<{ agentStep: { sourceRefs: unknown[] } }>(
      `query ($id: ID!) { agentStep(id: $id) { sourceRefs { id quote retrievedAt } } }`,
      { id: stepId },
      as.restricted,
    );
    expect(live.errors).toBeUndefined();
    const trail = await auditLog('restricted', stepId);
    expect(trail.errors).toBeUndefined();
    const [created] = trail.data!.auditLog;
    expect(created!.after!.sourceRefs).toEqual(live.data!.agentStep.sourceRefs);
    expect(created!.diff!.sourceRefs.to).toEqual(live.data!.agentStep.sourceRefs);
    expect(JSON.stringify(trail.data)).not.toMatch(new RegExp(`secret rate card|${DEMO.contracts.northwindSow}`));
    expect(JSON.stringify(trail.data)).toContain('public clause');

    // An approval on the restricted contract is not the restricted user's to see, nor is its trail.
    const approval = await stack.graphql<{ requestApproval: { id: string } }>(
      `mutation ($input: RequestApprovalInput!) { requestApproval(input: $input) { id } }`,
      {
        input: {
          action: 'update_contract',
          payload: { rate: 'secret' },
          targetId: DEMO.contracts.northwindSow,
          sourceRefs: sourceRefs.slice(0, 1),
        },
      },
      as.staff,
    );
    expect(approval.errors).toBeUndefined();
    expect((await auditLog('staff', approval.data!.requestApproval.id)).data!.auditLog).toHaveLength(1);
    const hidden = await auditLog('restricted', approval.data!.requestApproval.id);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('records nothing for a write that fails', async () => {
    const before = await counts();
    const missingOrg = await stack.graphql(
      `mutation { createContract(input: { title: "Orphan", organizationId: "org_doesnotexist0000" }) { id } }`,
      {},
      as.admin,
    );
    expect(missingOrg.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'organizationId' });

    // Refused by the database inside the transaction: the same link twice breaks its unique key.
    const link = `mutation { createEntityLink(from: "${DEMO.people.linus}", to: "${DEMO.projects.platform}", linkType: "audit_twice") { id } }`;
    await admin(link);
    const afterFirst = await counts();
    expect(afterFirst).toEqual({ audits: before.audits + 1, events: before.events + 1 });
    const twice = await stack.graphql(link, {}, as.admin);
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await counts()).toEqual(afterFirst);
  });

  it('rolls the write back when its outbox event cannot be written', async () => {
    const name = unique('Refused Org');
    await db.query(`CREATE FUNCTION platform.test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload -> 'after' ->> 'name' = '${name}' THEN RAISE EXCEPTION 'outbox refused'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER test_refuse_event BEFORE INSERT ON platform.integration_events
      FOR EACH ROW EXECUTE FUNCTION platform.test_refuse_event()`);
    try {
      const before = await counts();
      const result = await stack.graphql(
        `mutation ($name: String!) { createOrganization(input: { name: $name }) { id } }`,
        { name },
        as.admin,
      );
      expect(result.errors).toBeDefined();
      expect(result.data?.createOrganization ?? null).toBeNull();
      expect(await counts()).toEqual(before);
      const rows = await db.query('SELECT 1 FROM core.organizations WHERE name = $1', [name]);
      expect(rows.rowCount).toBe(0);
    } finally {
      await db.query('DROP TRIGGER test_refuse_event ON platform.integration_events');
      await db.query('DROP FUNCTION platform.test_refuse_event()');
    }
  });
});
