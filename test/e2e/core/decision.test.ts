/**
 * Decisions end to end, through the gateway, as a staff member: references, audit trail, and who may restrict one.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario, onlyOwnerOrAdminChangeVisibility } from './scenario.ts';

describe.each(databaseKinds())('Decision on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its references', async () => {
    const data = await scenario.staff(`query ($decision: ID!) { decision(id: $decision) { meeting { id } project { id } } }`, {
      decision: ids.decision,
    });
    expect(data.decision).toEqual({ meeting: { id: ids.meeting }, project: { id: ids.project } });
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.decision)).toEqual(['create']);
  });

  it('lets only the owner or an admin change its visibility', async () => {
    await onlyOwnerOrAdminChangeVisibility(scenario, 'Decision', 'title: "Admin-owned decision"');
  });
});
