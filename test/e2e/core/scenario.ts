/**
 * The core domain's shared scenario, for the per-type suites beside it (`<type>.test.ts`): a stack on a fresh
 * database and, as a staff member through the gateway, an organisation, a project tree, a grant, a trip, a contract
 * requiring the organisation, a meeting with people, an action and a decision, related through every pivot of seed §3.
 */
import { DEMO } from '@wrk/demo';
import { startTestStack, type TestStack } from '../../support/stack.ts';

export type Data = Record<string, any>;

export type ScenarioIds = Record<
  'org' | 'person' | 'person2' | 'project' | 'child' | 'grant' | 'trip' | 'contract' | 'meeting' | 'action' | 'decision',
  string
>;

export interface CoreScenario {
  stack: TestStack;
  /** A staff member's request whose errors fail the test. */
  staff(query: string, variables?: Record<string, unknown>): Promise<Data>;
  /** The same request, errors included. */
  raw(query: string, variables?: Record<string, unknown>): ReturnType<TestStack['graphql']>;
  ids: ScenarioIds;
}

/** Starts the stack and builds the scenario before the suite's tests (checking what it creates); stops it after. */
export function coreScenario(kind: 'postgres' | 'embedded'): CoreScenario {
  const scenario = { ids: {} } as CoreScenario;
  beforeAll(async () => {
    scenario.stack = await startTestStack(kind);
    const headers = scenario.stack.as(await scenario.stack.token('staff@wrk.demo'));
    scenario.raw = (query, variables) => scenario.stack.graphql(query, variables, headers);
    scenario.staff = async (query, variables) => {
      const result = await scenario.raw(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data as Data;
    };
    await build(scenario);
  });
  afterAll(async () => {
    await scenario.stack?.stop();
  });
  return scenario;
}

export const addRelation = (scenario: CoreScenario, relation: string, fromId: string, toId: string, role?: string) =>
  scenario.staff(`mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`, { input: { relation, fromId, toId, role } });

/** Creates the scenario's entities and relations. */
async function build(scenario: CoreScenario) {
  const { staff, ids } = scenario;
  const relate = (relation: string, fromId: string, toId: string, role?: string) => addRelation(scenario, relation, fromId, toId, role);
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
}

/** An entity's audit trail, oldest first: each entry's action, and that each was made by the staff member through the web. */
export async function auditTrail(scenario: CoreScenario, id: string): Promise<string[]> {
  const { auditLog } = await scenario.staff(`query ($id: ID!) { auditLog(entity: $id, first: 100) { action actor sourceSystem } }`, { id });
  const trail = [...auditLog].reverse() as { action: string; actor: string; sourceSystem: string }[];
  for (const entry of trail) expect(entry).toMatchObject({ actor: DEMO.users.staff, sourceSystem: 'web' });
  return trail.map((entry) => entry.action);
}

/** Only the owner or an admin may change the visibility of an entity of `type` (created with `fields`). */
export async function onlyOwnerOrAdminChangeVisibility(scenario: CoreScenario, type: string, fields: string) {
  const { stack, raw, staff } = scenario;
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
}
