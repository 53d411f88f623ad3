/**
 * Organizations end to end, through the gateway, as a staff member: relationships and audit trail.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario } from './scenario.ts';

describe.each(databaseKinds())('Organization on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships', async () => {
    const data = await scenario.staff(
      `query ($org: ID!) { organization(id: $org) { people { person { id } role } meetings { meeting { id } } projects { project { id } role } grants { grant { id } role } contracts { id } } }`,
      { org: ids.org },
    );
    expect(data.organization).toEqual({
      people: [{ person: { id: ids.person }, role: 'CEO' }],
      meetings: [{ meeting: { id: ids.meeting } }],
      projects: [{ project: { id: ids.project }, role: 'client' }],
      grants: [{ grant: { id: ids.grant }, role: 'funder' }],
      contracts: [{ id: ids.contract }],
    });
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.org)).toEqual(['create', 'link', 'link']);
  });
});
