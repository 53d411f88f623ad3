/**
 * The core domain end to end, through the gateway, as a staff member: create an organisation, a project
 * under it, a contract requiring the organisation, a meeting with people, actions and a decision; walk every
 * relationship of seed §3 in both directions; update and archive; read the audit trail.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

type Data = Record<string, any>;

describe.each(databaseKinds())('core domain on %s Postgres', (kind) => {
  let stack: TestStack;
  let staff: (query: string, variables?: Record<string, unknown>) => Promise<Data>;
  let raw: (query: string, variables?: Record<string, unknown>) => ReturnType<TestStack['graphql']>;
  const ids = {} as Record<
    'org' | 'person' | 'person2' | 'project' | 'child' | 'grant' | 'trip' | 'contract' | 'meeting' | 'action' | 'decision',
    string
  >;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    const headers = stack.as(await stack.token('staff@wrk.demo'));
    raw = (query, variables) => stack.graphql(query, variables, headers);
    staff = async (query, variables) => {
      const result = await raw(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data as Data;
    };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const relate = (relation: string, fromId: string, toId: string, role?: string) =>
    staff(`mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`, { input: { relation, fromId, toId, role } });

  it('creates an organisation, a project tree, a contract, a meeting with people, actions and a decision', async () => {
    ids.org = (await staff(`mutation { createOrganization(input: { name: "Globex", kind: "client" }) { id } }`)).createOrganization.id;
    ids.person = (
      await staff(`mutation { createPerson(input: { fullName: "Hank Scorpio", email: "HANK@globex.example" }) { id email } }`)
    ).createPerson.id;
    ids.person2 = (await staff(`mutation { createPerson(input: { fullName: "Frank Grimes" }) { id } }`)).createPerson.id;
    ids.project = (
      await staff(`mutation { createProject(input: { name: "Globex rollout", startDate: "2027-01-01" }) { id kind } }`)
    ).createProject.id;
    const child = await staff(
      `mutation ($p: ID!) { createProject(input: { name: "Globex onboarding", parentId: $p }) { id kind parent { id } } }`,
      {
        p: ids.project,
      },
    );
    ids.child = child.createProject.id;
    expect(child.createProject).toMatchObject({ kind: 'WORKSTREAM', parent: { id: ids.project } });
    ids.grant = (
      await staff(`mutation { createGrant(input: { title: "Globex fund", amount: { amount: "5000.00", currency: "USD" } }) { id } }`)
    ).createGrant.id;
    ids.trip = (
      await staff(`mutation { createTrip(input: { title: "Globex visit", startsOn: "2027-02-01", endsOn: "2027-02-03" }) { id } }`)
    ).createTrip.id;
    const contract = await staff(
      `mutation ($o: ID!, $p: ID!, $g: ID!) { createContract(input: { title: "Globex MSA", organizationId: $o, projectId: $p, grantId: $g,
         value: { amount: "1250.50", currency: "EUR" }, startDate: "2027-01-01", endDate: "2027-12-31" }) { id value { amount currency } status actor sourceSystem } }`,
      { o: ids.org, p: ids.project, g: ids.grant },
    );
    ids.contract = contract.createContract.id;
    expect(contract.createContract).toMatchObject({
      value: { amount: '1250.50', currency: 'EUR' },
      status: 'DRAFT',
      actor: DEMO.users.staff,
      sourceSystem: 'web',
    });
    ids.meeting = (
      await staff(`mutation { createMeeting(input: { title: "Globex kickoff", startsAt: "2027-01-05T09:00:00Z" }) { id } }`)
    ).createMeeting.id;
    ids.action = (
      await staff(
        `mutation ($m: ID!, $p: ID!, $a: ID!) { createAction(input: { title: "Send plan", meetingId: $m, projectId: $p, assigneeId: $a, dueOn: "2027-01-10" }) { id } }`,
        {
          m: ids.meeting,
          p: ids.project,
          a: DEMO.users.admin,
        },
      )
    ).createAction.id;
    ids.decision = (
      await staff(`mutation ($m: ID!, $p: ID!) { createDecision(input: { title: "Phase it", meetingId: $m, projectId: $p }) { id } }`, {
        m: ids.meeting,
        p: ids.project,
      })
    ).createDecision.id;

    await relate('ORGANIZATION_PERSON', ids.org, ids.person, 'CEO');
    await relate('ORGANIZATION_GRANT', ids.org, ids.grant, 'funder');
    await relate('MEETING_PERSON', ids.meeting, ids.person, 'speaker');
    await relate('MEETING_PERSON', ids.meeting, ids.person2);
    await relate('MEETING_ORGANIZATION', ids.meeting, ids.org);
    await relate('MEETING_PROJECT', ids.meeting, ids.project);
    await relate('MEETING_USER', ids.meeting, DEMO.users.staff, 'owner');
    await relate('PROJECT_PERSON', ids.project, ids.person, 'sponsor');
    await relate('PROJECT_ORGANIZATION', ids.project, ids.org, 'client');
    await relate('PROJECT_GRANT', ids.project, ids.grant);
    await relate('PROJECT_TRIP', ids.project, ids.trip);
    await relate('PROJECT_USER', ids.project, DEMO.users.staff, 'owner');
    await relate('TRIP_USER', ids.trip, DEMO.users.staff, 'traveler');
  });

  it('navigates every relationship in both directions', async () => {
    const data = await staff(
      `query ($org: ID!, $person: ID!, $meeting: ID!, $project: ID!, $contract: ID!, $trip: ID!, $grant: ID!, $action: ID!, $decision: ID!, $me: ID!) {
        organization(id: $org) { people { person { id } role } meetings { meeting { id } } projects { project { id } role } grants { grant { id } role } contracts { id } }
        person(id: $person) { organizations { organization { id } role } meetings { meeting { id } role } projects { project { id } role } }
        meeting(id: $meeting) { people { person { id } } organizations { organization { id } } projects { project { id } }
          participants { user { id email } role } actions { id } decisions { id } }
        project(id: $project) { people { person { id } } organizations { organization { id } } team { user { id } role } grants { grant { id } }
          trips { trip { id } } meetings { meeting { id } } contracts { id } actions { id } decisions { id } children { id } parent { id } }
        contract(id: $contract) { organization { id name } project { id } grant { id } }
        trip(id: $trip) { projects { project { id } } travelers { user { id } role } }
        grant(id: $grant) { organizations { organization { id } } projects { project { id } } contracts { id } }
        action(id: $action) { meeting { id } project { id } assignee { id email } creator { id } }
        decision(id: $decision) { meeting { id } project { id } }
        user(id: $me) { meetings { meeting { id } role } projects { project { id } role } trips { trip { id } role } createdActions { id } }
        admin: user(id: "${DEMO.users.admin}") { assignedActions { id } }
      }`,
      { ...ids, me: DEMO.users.staff },
    );
    expect(data.organization).toEqual({
      people: [{ person: { id: ids.person }, role: 'CEO' }],
      meetings: [{ meeting: { id: ids.meeting } }],
      projects: [{ project: { id: ids.project }, role: 'client' }],
      grants: [{ grant: { id: ids.grant }, role: 'funder' }],
      contracts: [{ id: ids.contract }],
    });
    expect(data.person).toEqual({
      organizations: [{ organization: { id: ids.org }, role: 'CEO' }],
      meetings: [{ meeting: { id: ids.meeting }, role: 'speaker' }],
      projects: [{ project: { id: ids.project }, role: 'sponsor' }],
    });
    expect(data.meeting.people.map((p: Data) => p.person.id).sort()).toEqual([ids.person, ids.person2].sort());
    expect(data.meeting).toMatchObject({
      organizations: [{ organization: { id: ids.org } }],
      projects: [{ project: { id: ids.project } }],
      participants: [{ user: { id: DEMO.users.staff, email: 'staff@wrk.demo' }, role: 'owner' }],
      actions: [{ id: ids.action }],
      decisions: [{ id: ids.decision }],
    });
    expect(data.project).toEqual({
      people: [{ person: { id: ids.person } }],
      organizations: [{ organization: { id: ids.org } }],
      team: [{ user: { id: DEMO.users.staff }, role: 'owner' }],
      grants: [{ grant: { id: ids.grant } }],
      trips: [{ trip: { id: ids.trip } }],
      meetings: [{ meeting: { id: ids.meeting } }],
      contracts: [{ id: ids.contract }],
      actions: [{ id: ids.action }],
      decisions: [{ id: ids.decision }],
      children: [{ id: ids.child }],
      parent: null,
    });
    expect(data.contract).toEqual({
      organization: { id: ids.org, name: 'Globex' },
      project: { id: ids.project },
      grant: { id: ids.grant },
    });
    expect(data.trip).toEqual({
      projects: [{ project: { id: ids.project } }],
      travelers: [{ user: { id: DEMO.users.staff }, role: 'traveler' }],
    });
    expect(data.grant).toEqual({
      organizations: [{ organization: { id: ids.org } }],
      projects: [{ project: { id: ids.project } }],
      contracts: [{ id: ids.contract }],
    });
    expect(data.action).toEqual({
      meeting: { id: ids.meeting },
      project: { id: ids.project },
      assignee: { id: DEMO.users.admin, email: 'admin@wrk.demo' },
      creator: { id: DEMO.users.staff },
    });
    expect(data.decision).toEqual({ meeting: { id: ids.meeting }, project: { id: ids.project } });
    expect(data.user.meetings).toContainEqual({ meeting: { id: ids.meeting }, role: 'owner' });
    expect(data.user.projects).toContainEqual({ project: { id: ids.project }, role: 'owner' });
    expect(data.user.trips).toContainEqual({ trip: { id: ids.trip }, role: 'traveler' });
    expect(data.user.createdActions).toContainEqual({ id: ids.action });
    expect(data.admin.assignedActions).toContainEqual({ id: ids.action });
  });

  it('lists everything related to an entity: pivots, references both ways and entity links', async () => {
    await staff(`mutation ($c: ID!) { createEntityLink(from: $c, to: "${DEMO.boxItems.acmeMsaFile}", linkType: "signed_copy") { id } }`, {
      c: ids.contract,
    });
    const data = await staff(
      `query ($p: ID!, $c: ID!) {
        project(id: $p) { related { via role entity { __typename id } } }
        contract(id: $c) { related { via direction entity { __typename id ... on BoxItem { name } } } }
      }`,
      { p: ids.project, c: ids.contract },
    );
    expect(data.project.related).toEqual(
      expect.arrayContaining([
        { via: 'ProjectPerson', role: 'sponsor', entity: { __typename: 'Person', id: ids.person } },
        { via: 'ProjectUser', role: 'owner', entity: { __typename: 'User', id: DEMO.users.staff } },
        { via: 'MeetingProject', role: null, entity: { __typename: 'Meeting', id: ids.meeting } },
        { via: 'children', role: null, entity: { __typename: 'Project', id: ids.child } },
        { via: 'contracts', role: null, entity: { __typename: 'Contract', id: ids.contract } },
      ]),
    );
    expect(data.contract.related).toEqual(
      expect.arrayContaining([
        { via: 'organization', direction: null, entity: { __typename: 'Organization', id: ids.org } },
        {
          via: 'link:signed_copy',
          direction: 'OUTGOING',
          entity: { __typename: 'BoxItem', id: DEMO.boxItems.acmeMsaFile, name: 'Acme MSA 2026.pdf' },
        },
      ]),
    );
  });

  it('filters, sorts and pages lists', async () => {
    const filtered = await staff(
      `query ($o: ID!) { contracts(filter: { organizationId: $o, status: [DRAFT] }) { totalCount nodes { id } } }`,
      {
        o: ids.org,
      },
    );
    expect(filtered.contracts).toEqual({ totalCount: 1, nodes: [{ id: ids.contract }] });
    const search = await staff(`{ people(filter: { search: "scorp" }) { nodes { id } } }`);
    expect(search.people.nodes).toEqual([{ id: ids.person }]);
    const sorted = await staff(`{ projects(orderBy: { field: NAME, direction: DESC }, first: 100) { nodes { name } } }`);
    const names = sorted.projects.nodes.map((p: Data) => p.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0)));
    const first = await staff(
      `{ people(first: 2, orderBy: { field: FULL_NAME }) { nodes { fullName } pageInfo { hasNextPage endCursor } } }`,
    );
    const next = await staff(
      `query ($after: String) { people(first: 2, after: $after, orderBy: { field: FULL_NAME }) { nodes { fullName } } }`,
      {
        after: first.people.pageInfo.endCursor,
      },
    );
    expect(first.people.pageInfo.hasNextPage).toBe(true);
    expect(next.people.nodes[0].fullName > first.people.nodes[1].fullName).toBe(true);
  });

  it('updates and archives; archived rows leave lists unless asked for; refusals name the field', async () => {
    const updated = await staff(
      `mutation ($id: ID!) { updateContract(id: $id, input: { status: ACTIVE, value: { amount: "2000", currency: "EUR" } }) { status value { amount } title } }`,
      {
        id: ids.contract,
      },
    );
    expect(updated.updateContract).toEqual({ status: 'ACTIVE', value: { amount: '2000.00' }, title: 'Globex MSA' });
    const refused = await raw(`mutation ($id: ID!) { updateContract(id: $id, input: { endDate: "2026-01-01" }) { id } }`, {
      id: ids.contract,
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endDate' });
    const noOrganization = await raw(`mutation ($id: ID!) { updateContract(id: $id, input: { organizationId: null }) { id } }`, {
      id: ids.contract,
    });
    expect(noOrganization.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'organizationId' });
    const cycle = await raw(`mutation ($id: ID!, $child: ID!) { updateProject(id: $id, input: { parentId: $child }) { id } }`, {
      id: ids.project,
      child: ids.child,
    });
    expect(cycle.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });

    await staff(`mutation ($id: ID!) { archiveAction(id: $id) { archivedAt } }`, { id: ids.action });
    const live = await staff(`query ($m: ID!) { actions(filter: { meetingId: $m }) { totalCount } meeting(id: $m) { actions { id } } }`, {
      m: ids.meeting,
    });
    expect(live.actions.totalCount).toBe(0);
    expect(live.meeting.actions).toEqual([]);
    const all = await staff(`query ($m: ID!) { actions(filter: { meetingId: $m, includeArchived: true }) { nodes { id archivedAt } } }`, {
      m: ids.meeting,
    });
    expect(all.actions.nodes).toEqual([{ id: ids.action, archivedAt: expect.any(String) }]);
    const gone = await raw(`query ($id: ID!) { action(id: $id) { id } }`, { id: ids.action });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const removed = await staff(
      `mutation ($m: ID!, $p: ID!) { removeRelation(input: { relation: MEETING_PERSON, fromId: $m, toId: $p }) { id } }`,
      {
        m: ids.meeting,
        p: ids.person2,
      },
    );
    expect(removed.removeRelation.id).toBe(ids.meeting);
    const again = await raw(
      `mutation ($m: ID!, $p: ID!) { removeRelation(input: { relation: MEETING_PERSON, fromId: $m, toId: $p }) { id } }`,
      {
        m: ids.meeting,
        p: ids.person2,
      },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badRole = await raw(
      `mutation ($m: ID!) { addRelation(input: { relation: MEETING_USER, fromId: $m, toId: "${DEMO.users.admin}", role: "boss" }) { id } }`,
      {
        m: ids.meeting,
      },
    );
    expect(badRole.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'role' });
  });

  it('reads back the audit trail of every step, each attributed to the staff member through the web', async () => {
    const expected: [keyof typeof ids, string[]][] = [
      ['org', ['create', 'link', 'link']],
      ['project', ['create', 'link', 'link', 'link', 'link', 'link']],
      ['contract', ['create', 'update']],
      ['meeting', ['create', 'link', 'link', 'link', 'link', 'link', 'unlink']],
      ['action', ['create', 'archive']],
      ['decision', ['create']],
      ['trip', ['create', 'link']],
    ];
    for (const [key, actions] of expected) {
      const { auditLog } = await staff(`query ($id: ID!) { auditLog(entity: $id, first: 100) { action actor sourceSystem } }`, {
        id: ids[key],
      });
      const trail = [...auditLog].reverse() as { action: string; actor: string; sourceSystem: string }[];
      expect([key, trail.map((entry) => entry.action)]).toEqual([key, actions]);
      for (const entry of trail) expect(entry).toMatchObject({ actor: DEMO.users.staff, sourceSystem: 'web' });
    }
  });

  it('refuses to change a restricted entity the caller may only read', async () => {
    const result = await raw(`mutation { updateContract(id: "${DEMO.contracts.northwindSow}", input: { title: "Mine now" }) { id } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it.each([
    ['Project', 'name: "Admin-owned project"'],
    ['Contract', `title: "Admin-owned contract", organizationId: "${DEMO.organizations.acme}"`],
    ['Meeting', 'title: "Admin-owned meeting", startsAt: "2027-01-01T10:00:00Z"'],
    ['Grant', 'title: "Admin-owned grant"'],
    ['Decision', 'title: "Admin-owned decision"'],
  ])('lets only the owner or an admin change the visibility of a %s', async (type, fields) => {
    const admin = stack.as(await stack.token('admin@wrk.demo'));
    const created = await stack.graphql<Data>(`mutation { create${type}(input: { ${fields} }) { id } }`, {}, admin);
    expect(created.errors).toBeUndefined();
    const id = created.data![`create${type}`].id as string;
    const setVisibility = (value: string) => `mutation { update${type}(id: "${id}", input: { visibility: ${value} }) { id visibility } }`;

    // Staff may edit the internal row, but not lock its owner (and themselves) out of it.
    const locked = await raw(setVisibility('RESTRICTED'));
    expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'visibility' });
    const after = await raw(`query { ${type.toLowerCase()}(id: "${id}") { visibility } }`);
    expect(after.data).toEqual({ [type.toLowerCase()]: { visibility: 'INTERNAL' } });
    // Sending the unchanged value is no change.
    expect((await raw(setVisibility('INTERNAL'))).errors).toBeUndefined();
    // The admin may; the owner may on their own row.
    expect((await stack.graphql(setVisibility('RESTRICTED'), {}, admin)).errors).toBeUndefined();
    const own = await staff(`mutation { create${type}(input: { ${fields} }) { id } }`);
    const ownId = own[`create${type}`].id as string;
    const restrictedByOwner = await raw(`mutation { update${type}(id: "${ownId}", input: { visibility: RESTRICTED }) { visibility } }`);
    expect(restrictedByOwner.data).toEqual({ [`update${type}`]: { visibility: 'RESTRICTED' } });
  });

  it('writes one audit row and one outbox event per change, attributed from the token, in the same transaction', async () => {
    const renamed = await raw(`mutation ($id: ID!) { updateTrip(id: $id, input: { destination: "Springfield" }) { id } }`, {
      id: ids.trip,
    });
    expect(renamed.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const audit = await client.query(`SELECT action, actor, source_system FROM platform.audit_logs WHERE entity_id = $1 ORDER BY id`, [
        ids.contract,
      ]);
      expect(audit.rows).toEqual([
        { action: 'create', actor: DEMO.users.staff, source_system: 'web' },
        { action: 'update', actor: DEMO.users.staff, source_system: 'web' },
      ]);
      const byRequest = await client.query(
        `SELECT (SELECT count(*) FROM platform.audit_logs WHERE request_id = $1 AND entity_id = $2)::int AS audits,
                (SELECT count(*) FROM platform.integration_events WHERE request_id = $1 AND entity_id = $2)::int AS events`,
        [renamed.requestId, ids.trip],
      );
      expect(byRequest.rows[0]).toEqual({ audits: 1, events: 1 });
      const events = await client.query(`SELECT event_type FROM platform.integration_events WHERE entity_id = $1 ORDER BY id`, [
        ids.contract,
      ]);
      expect(events.rows.map((row) => row.event_type)).toEqual(['Contract.create', 'Contract.update']);

      // Force a failure after the contract and its audit row are written: the outbox insert fails.
      await client.query(`CREATE OR REPLACE FUNCTION platform.fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'forced failure'; END $$`);
      await client.query(`CREATE TRIGGER fail_for_test BEFORE INSERT ON platform.integration_events
        FOR EACH ROW WHEN (NEW.payload->'after'->>'title' = 'Doomed contract') EXECUTE FUNCTION platform.fail_for_test()`);
      const doomed = await raw(`mutation ($o: ID!) { createContract(input: { title: "Doomed contract", organizationId: $o }) { id } }`, {
        o: ids.org,
      });
      expect(doomed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const left = await client.query(
        `SELECT (SELECT count(*) FROM core.contracts WHERE title = 'Doomed contract')::int AS rows,
                (SELECT count(*) FROM platform.audit_logs WHERE after->>'title' = 'Doomed contract')::int AS audits,
                (SELECT count(*) FROM platform.integration_events WHERE payload->'after'->>'title' = 'Doomed contract')::int AS events`,
      );
      expect(left.rows[0]).toEqual({ rows: 0, audits: 0, events: 0 });
      await client.query(`DROP TRIGGER fail_for_test ON platform.integration_events`);
    } finally {
      await client.end();
    }
  });
});
