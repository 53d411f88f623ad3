/**
 * Meetings end to end, through the gateway, as a staff member: people, participants and what was decided, removing relations and their refusals, audit trail, and who may restrict one.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario, onlyOwnerOrAdminChangeVisibility, type Data } from './scenario.ts';

describe.each(databaseKinds())('Meeting on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships', async () => {
    const data = await scenario.staff(
      `query ($meeting: ID!) { meeting(id: $meeting) { people { person { id } } organizations { organization { id } } projects { project { id } }
          participants { user { id email } role } actions { id } decisions { id } } }`,
      { meeting: ids.meeting },
    );
    expect(data.meeting.people.map((p: Data) => p.person.id).sort()).toEqual([ids.person, ids.person2].sort());
    expect(data.meeting).toMatchObject({
      organizations: [{ organization: { id: ids.org } }],
      projects: [{ project: { id: ids.project } }],
      participants: [{ user: { id: DEMO.users.staff, email: 'staff@wrk.demo' }, role: 'owner' }],
      actions: [{ id: ids.action }],
      decisions: [{ id: ids.decision }],
    });
  });

  it('removes a relation once; a role outside the pivot list is refused, naming the field', async () => {
    const { staff, raw } = scenario;
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

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.meeting)).toEqual(['create', 'link', 'link', 'link', 'link', 'link', 'unlink']);
  });

  it('lets only the owner or an admin change its visibility', async () => {
    await onlyOwnerOrAdminChangeVisibility(scenario, 'Meeting', 'title: "Admin-owned meeting", startsAt: "2027-01-01T10:00:00Z"');
  });
});
