export async function run(gql: any, _F: string, A: string) {
  await gql(A, `{ agentRuns { totalCount nodes { id agentName status initiatedBy startedAt runtimeMetadata steps { id stepIndex tool input output status sourceRefs { type id uri excerpt } run { id } } approvals { id status action targetId payload requestedBy decidedBy sourceRefs { type id } run { id } } facts { id subjectId subject { __typename id } predicate value confidence sourceRefs { type id excerpt } } insights { id title reviewState confidence sourceRefs { id } run { agentName } } } } }`);
  await gql(A, `{ agentSteps { totalCount nodes { id stepIndex } } agentApprovals(status: PENDING) { totalCount nodes { id status } } knowledgeFacts(subjectId: "ctr_demoacmemsa0001") { totalCount } knowledgeInsights(reviewState: ACCEPTED) { totalCount } }`);
  const run = await gql(A, `mutation { createAgentRun(input: { agentName: "contract-reviewer", prompt: "Check the SOW", model: "m1", runtimeMetadata: { t: 1 } }) { id status startedAt initiatedBy actor sourceSystem runtimeMetadata } }`, {}, { kind: 'agent', agent: 'contract-reviewer', tokenId: 'tok_abc123' });
  const runId = run.data.createAgentRun.id;
  const step = `mutation($runId: ID!, $refs: [SourceRefInput!]!) { recordAgentStep(input: { runId: $runId, tool: "box.read_file", input: { a: 1 }, output: { ok: true }, sourceRefs: $refs }) { id stepIndex status input output sourceRefs { type id uri excerpt } run { id steps { stepIndex } } actor } }`;
  await gql(A, step, { runId, refs: [{ type: 'BoxItem', id: 'box_demoacmemsa2026', excerpt: 'x' }] });
  // concurrent steps
  await Promise.all([1, 2, 3, 4].map(() => gql(A, step, { runId, refs: [{ type: 'url', id: 'https://example.com', uri: 'https://example.com' }] })));
  await gql(A, `query($id: ID!) { agentRun(id: $id) { steps { stepIndex } } }`, { id: runId });
  await gql(A, step, { runId, refs: [] });
  await gql(A, step, { runId, refs: [{ type: 'Contract', id: 'box_demoacmemsa2026' }] });
  await gql(A, step, { runId, refs: [{ type: ' ', id: 'x' }] });
  await gql(A, step, { runId: 'run_demoreview00001', refs: [{ type: 'url', id: 'x' }] });
  await gql(A, step, { runId: 'run_missing000000', refs: [{ type: 'url', id: 'x' }] });
  await gql(A, step, { runId: 'ctr_demoacmemsa0001', refs: [{ type: 'url', id: 'x' }] });
  const fact = `mutation($i: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $i) { id subjectId subject { __typename id } confidence run { id } sourceRefs { type id } } }`;
  const refs = [{ type: 'Contract', id: 'ctr_demoacmemsa0001' }];
  await gql(A, fact, { i: { runId, subjectId: 'ctr_demoacmemsa0001', predicate: 'status', value: 'active', confidence: 1, sourceRefs: refs } });
  await gql(A, fact, { i: { subjectId: 'run_demoreview00001', predicate: 'reviewed', value: 'yes', confidence: 0, sourceRefs: refs } });
  await gql(A, fact, { i: { subjectId: 'ctr_demoacmemsa0001', predicate: 'status', value: 'active', confidence: 1.2, sourceRefs: refs } });
  await gql(A, fact, { i: { subjectId: 'ctr_demoacmemsa0001', predicate: 'status', value: 'active', confidence: 0.5, sourceRefs: [] } });
  await gql(A, fact, { i: { subjectId: 'lnk_demomsafile0001', predicate: 'status', value: 'active', confidence: 0.5, sourceRefs: refs } });
  await gql(A, fact, { i: { subjectId: 'run_missing0000000', predicate: 'status', value: 'active', confidence: 0.5, sourceRefs: refs } });
  await gql(A, fact, { i: { subjectId: 'garbage', predicate: 'status', value: 'active', confidence: 0.5, sourceRefs: refs } });
  const ins = `mutation($i: CreateKnowledgeInsightInput!) { createKnowledgeInsight(input: $i) { id title reviewState confidence run { id } } }`;
  await gql(A, ins, { i: { runId, title: 'T', body: 'B', sourceRefs: refs } });
  await gql(A, ins, { i: { title: 'T', body: 'B', confidence: -0.1, sourceRefs: refs } });
  await gql(A, ins, { i: { title: 'T', body: 'B', sourceRefs: [] } });
  await gql(A, `mutation { createAgentRun(input: { agentName: "Bad Name", prompt: "p", model: "m" }) { id } }`);
  await gql(A, `mutation { createAgentRun(input: { agentName: "ok", prompt: "p", model: "m", runtimeMetadata: [1] }) { id } }`);
  await gql(A, `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on AgentRun { status } ... on KnowledgeFact { subject { id } } } }`, {
    r: [{ __typename: 'AgentRun', id: 'run_demoreview00001' }, { __typename: 'AgentRun', id: 'run_nope0000000' }, { __typename: 'KnowledgeFact', id: 'fct_demomsabilling01' }],
  });
  await gql(A, `{ knowledgeFacts { nodes { subject { __typename id ... on AgentRun { agentName } } } } }`);
}
