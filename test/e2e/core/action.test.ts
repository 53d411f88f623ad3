/**
 * Actions end to end, through the gateway, as a staff member: references, archiving (archived rows leave lists and lookups unless asked for), audit trail.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario } from './scenario.ts';

describe.each(databaseKinds())('Action on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its references', async () => {
    const data = await scenario.staff(
      `query ($action: ID!) { action(id: $action) { meeting { id } project { id } assignee { id email } creator { id } } }`,
      { action: ids.action },
    );
    expect(data.action).toEqual({
      meeting: { id: ids.meeting },
      project: { id: ids.project },
      assignee: { id: DEMO.users.admin, email: 'admin@wrk.demo' },
      creator: { id: DEMO.users.staff },
    });
  });

  it('archives; archived rows leave lists and lookups unless asked for', async () => {
    const { staff, raw } = scenario;
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
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.action)).toEqual(['create', 'archive']);
  });
});
