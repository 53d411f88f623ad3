/**
 * People end to end, through the gateway, as a staff member: relationships, search and paging.
 * The scenario it reads (an organisation, a project tree, a contract, a meeting with people…) is built by ./scenario.ts.
 */
import { databaseKinds } from '../../support/databases.ts';
import { coreScenario } from './scenario.ts';

describe.each(databaseKinds())('Person on %s Postgres', (kind) => {
  const scenario = coreScenario(kind);
  const { ids } = scenario;

  it('navigates its relationships', async () => {
    const data = await scenario.staff(
      `query ($person: ID!) { person(id: $person) { organizations { organization { id } role } meetings { meeting { id } role } projects { project { id } role } } }`,
      { person: ids.person },
    );
    expect(data.person).toEqual({
      organizations: [{ organization: { id: ids.org }, role: 'CEO' }],
      meetings: [{ meeting: { id: ids.meeting }, role: 'speaker' }],
      projects: [{ project: { id: ids.project }, role: 'sponsor' }],
    });
  });

  it('searches and pages the list', async () => {
    const { staff } = scenario;
    const search = await staff(`{ people(filter: { search: "scorp" }) { nodes { id } } }`);
    expect(search.people.nodes).toEqual([{ id: ids.person }]);
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
});
