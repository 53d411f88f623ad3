/**
 * Trips end to end, through the gateway, as a staff member: projects and travellers, audit trail.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario } from './scenario.ts';

describe.each(databaseKinds())('Trip on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships', async () => {
    const data = await scenario.staff(
      `query ($trip: ID!) { trip(id: $trip) { projects { project { id } } travelers { user { id } role } } }`,
      {
        trip: ids.trip,
      },
    );
    expect(data.trip).toEqual({
      projects: [{ project: { id: ids.project } }],
      travelers: [{ user: { id: DEMO.users.staff }, role: 'traveler' }],
    });
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.trip)).toEqual(['create', 'link']);
  });
});
