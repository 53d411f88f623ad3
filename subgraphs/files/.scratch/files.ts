export async function run(gql: any, F: string) {
  await gql(F, `{ boxItems { totalCount nodes { id boxItemId type name sizeBytes parentBoxFolderId parent { id name } documents { id title project { id } chunks { id chunkIndex document { id } } } } pageInfo { hasNextPage endCursor } } }`);
  await gql(F, `{ projectDocuments(first: 1) { edges { cursor node { id title kind boxItem { name } project { id documents { id } } } } pageInfo { hasNextPage endCursor } } }`);
  await gql(F, `{ kbChunks { totalCount nodes { id chunkIndex content } } kbChunk(id: "kb_demoacmemsachunk1") { content document { title } } }`);
  await gql(F, `{ boxWebhookEvents { totalCount nodes { id } } boxItem(id: "box_missing0000") { id } }`);
  await gql(F, `{ boxItem(id: "prj_demoplatform0001") { id } }`);
  await gql(F, `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on BoxItem { name } ... on Project { documents { title } } ... on KbChunk { content } } }`, {
    r: [{ __typename: 'BoxItem', id: 'box_demoacmemsa2026' }, { __typename: 'BoxItem', id: 'box_nope000000' }, { __typename: 'Project', id: 'prj_demoplatform0001' }, { __typename: 'Project', id: 'prj_demosummit00001' }, { __typename: 'KbChunk', id: 'kb_demoacmemsachunk0' }],
  });
  // mutations
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "1450000000002", type: FILE, name: "  SOW.docx ", parentBoxFolderId: "318000000001", sizeBytes: "9007199254740993", modifiedAt: "2026-09-01T10:00:00Z" }) { id type name sizeBytes parent { name } actor sourceSystem syncedAt } }`);
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "1450000000002", type: FILE, name: "dup" }) { id } }`);
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "abc", type: FILE, name: "x" }) { id } }`);
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "77", type: FILE, name: "  " }) { id } }`);
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "78", type: FILE, name: "x", sizeBytes: "-1" }) { id } }`);
  await gql(F, `mutation { createBoxItem(input: { boxItemId: "79", type: FILE, name: "x", parentBoxFolderId: "1450000000001" }) { id } }`);
  await gql(F, `mutation { createProjectDocument(input: { title: "SOW", kind: "contract", projectId: "prj_demosummit00001", boxItemId: "box_demoacmemsa2026" }) { id title project { id } boxItem { id documents { id } } actor sourceSystem } }`);
  await gql(F, `mutation { createProjectDocument(input: { title: "SOW", projectId: "ctr_demoacmemsa0001" }) { id } }`);
  await gql(F, `mutation { createProjectDocument(input: { title: "SOW", boxItemId: "box_nope000000" }) { id } }`);
  await gql(F, `mutation { createProjectDocument(input: { title: "SOW", boxItemId: "box_democontractsdir" }) { id } }`);
  await gql(F, `mutation { createProjectDocument(input: { title: "" }) { id } }`);
}
