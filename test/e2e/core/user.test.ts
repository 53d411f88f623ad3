/**
 * The fields core adds to identity's User, end to end through the gateway: a user's meetings, projects, trips and actions.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { coreScenario } from './scenario.ts';

describe.each(databaseKinds())('User (the fields core adds) on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it("navigates a user's meetings, projects, trips and actions", async () => {
    const data = await scenario.staff(
      `query ($me: ID!) {
        user(id: $me) { meetings { meeting { id } role } projects { project { id } role } trips { trip { id } role } createdActions { id } }
        admin: user(id: "${DEMO.users.admin}") { assignedActions { id } }
      }`,
      { me: DEMO.users.staff },
    );
    expect(data.user.meetings).toContainEqual({ meeting: { id: ids.meeting }, role: 'owner' });
    expect(data.user.projects).toContainEqual({ project: { id: ids.project }, role: 'owner' });
    expect(data.user.trips).toContainEqual({ trip: { id: ids.trip }, role: 'traveler' });
    expect(data.user.createdActions).toContainEqual({ id: ids.action });
    expect(data.admin.assignedActions).toContainEqual({ id: ids.action });
  });
});
