/**
 * Projects end to end, through the gateway, as a staff member: the tree, relationships, `related`, sorting, refusals, audit trail and who may restrict one.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { auditTrail, coreScenario, onlyOwnerOrAdminChangeVisibility, type Data } from './scenario.ts';

describe.each(databaseKinds())('Project on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships, its parent and children', async () => {
    const data = await scenario.staff(
      `query ($project: ID!) { project(id: $project) { people { person { id } } organizations { organization { id } } team { user { id } role } grants { grant { id } }
          trips { trip { id } } meetings { meeting { id } } contracts { id } actions { id } decisions { id } children { id } parent { id } } }`,
      { project: ids.project },
    );
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
  });

  it('lists everything related to it: pivots and references both ways', async () => {
    const data = await scenario.staff(`query ($p: ID!) { project(id: $p) { related { via role entity { __typename id } } } }`, {
      p: ids.project,
    });
    expect(data.project.related).toEqual(
      expect.arrayContaining([
        { via: 'ProjectPerson', role: 'sponsor', entity: { __typename: 'Person', id: ids.person } },
        { via: 'ProjectUser', role: 'owner', entity: { __typename: 'User', id: DEMO.users.staff } },
        { via: 'MeetingProject', role: null, entity: { __typename: 'Meeting', id: ids.meeting } },
        { via: 'children', role: null, entity: { __typename: 'Project', id: ids.child } },
        { via: 'contracts', role: null, entity: { __typename: 'Contract', id: ids.contract } },
      ]),
    );
  });

  it('sorts the list', async () => {
    const sorted = await scenario.staff(`{ projects(orderBy: { field: NAME, direction: DESC }, first: 100) { nodes { name } } }`);
    const names = sorted.projects.nodes.map((p: Data) => p.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it('refuses a parent that would make the tree a cycle, naming the field', async () => {
    const cycle = await scenario.raw(`mutation ($id: ID!, $child: ID!) { updateProject(id: $id, input: { parentId: $child }) { id } }`, {
      id: ids.project,
      child: ids.child,
    });
    expect(cycle.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'parentId' });
  });

  it('reads back its audit trail, each step attributed to the staff member through the web', async () => {
    expect(await auditTrail(scenario, ids.project)).toEqual(['create', 'link', 'link', 'link', 'link', 'link']);
  });

  it('lets only the owner or an admin change its visibility', async () => {
    await onlyOwnerOrAdminChangeVisibility(scenario, 'Project', 'name: "Admin-owned project"');
  });
});
