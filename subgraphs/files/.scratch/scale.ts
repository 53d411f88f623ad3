export async function run(gql: any, F: string, A: string) {
  const q = `{ boxItems(first: 100) { totalCount nodes { id parent { id } documents { id project { id } boxItem { id } chunks { id document { id } } } } } }`;
  await gql(F, q);
  for (let i = 0; i < 20; i++) {
    const b = await gql(F, `mutation { createBoxItem(input: { boxItemId: "9${i}00", type: FILE, name: "f${i}", parentBoxFolderId: "318000000001" }) { id } }`);
    await gql(F, `mutation($b: ID!) { createProjectDocument(input: { title: "d${i}", projectId: "prj_demoplatform0001", boxItemId: $b }) { id } }`, { b: b.data.createBoxItem.id });
  }
  await gql(F, q);
  const rq = `{ agentRuns(first: 100) { nodes { id steps { id run { id } } approvals { id run { id } } facts { id run { id } subject { id } } insights { id run { id } } } } }`;
  await gql(A, rq);
  for (let i = 0; i < 10; i++) {
    const r = await gql(A, `mutation { createAgentRun(input: { agentName: "a${i}", prompt: "p", model: "m" }) { id } }`);
    await gql(A, `mutation($r: ID!) { recordAgentStep(input: { runId: $r, tool: "t", sourceRefs: [{ type: "url", id: "x" }] }) { id } }`, { r: r.data.createAgentRun.id });
  }
  await gql(A, rq);
}
