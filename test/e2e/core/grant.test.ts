/**
 * Grants end to end, through the gateway, as a staff member: funders, projects and contracts, and who may restrict one.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { databaseKinds } from '../../support/databases.ts';
import { coreScenario, onlyOwnerOrAdminChangeVisibility } from './scenario.ts';

describe.each(databaseKinds())('Grant on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships', async () => {
    const data = await scenario.staff(
      `query ($grant: ID!) { grant(id: $grant) { organizations { organization { id } } projects { project { id } } contracts { id } } }`,
      { grant: ids.grant },
    );
    expect(data.grant).toEqual({
      organizations: [{ organization: { id: ids.org } }],
      projects: [{ project: { id: ids.project } }],
      contracts: [{ id: ids.contract }],
    });
  });

  it('lets only the owner or an admin change its visibility', async () => {
    await onlyOwnerOrAdminChangeVisibility(scenario, 'Grant', 'title: "Admin-owned grant"');
  });
});
