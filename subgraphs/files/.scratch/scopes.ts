export async function run(gql: any, F: string, A: string) {
  await gql(F, `{ boxItems { totalCount } }`, {}, { scopes: [] });
  await gql(F, `{ boxItems { totalCount } }`, {}, { scopes: ['files:read'] });
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "55", type: FILE, name: "x" }) { id } }`, {}, { scopes: ['files:read'] });
  await gql(F, `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on BoxItem { name } } }`, { r: [{ __typename: 'BoxItem', id: 'box_demoacmemsa2026' }] }, { scopes: [] });
  await gql(A, `{ agentRun(id: "run_demoreview00001") { status } }`, {}, { scopes: ['files:read'] });
  await gql(A, `{ agentRun(id: "run_demoreview00001") { status facts { subject { id } } } }`);
}
