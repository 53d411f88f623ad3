import { DEMO } from '@wrk/demo';
import { writeBoxMirror } from './boxMirror.ts';
import type { Caller } from './stack.ts';

export type { Caller };

/**
 * Entities the demo restricted user (restricted@wrk.demo) must never see, each attached to visible parents so that
 * the parents' fields have something to leak: restricted core rows, rows hidden by the Box ACL or by a hidden
 * project, agent outputs about hidden entities, links with a hidden end and the audit entries of hidden entities.
 * `hiddenFromStaff` is the part staff (and so staff's agent tokens) cannot see either: the demo grants staff the
 * Northwind SOW and the board meeting.
 */
export interface HiddenFixtures {
  /** Name → external ID of every entity hidden from the restricted user. */
  hidden: Record<string, string>;
  hiddenFromStaff: Record<string, string>;
  /** Visible entities whose relationships reach hidden ones (the demo's and those created here). */
  visibleParents: string[];
}

const SOURCE = (id: string) => [{ id, quote: `quote of ${id}` }];

async function create(admin: Caller, mutation: string, variables: Record<string, unknown>): Promise<string> {
  const result = await admin<Record<string, { id: string }>>(mutation, variables);
  if (result.errors?.length || !result.data) throw new Error(`fixture failed: ${mutation}\n${JSON.stringify(result.errors)}`);
  return Object.values(result.data)[0]!.id;
}

const relate = (admin: Caller, relation: string, fromId: string, toId: string, role?: string) =>
  create(admin, `mutation ($input: RelationInput!) { addRelation(input: $input) { id } }`, { input: { relation, fromId, toId, role } });

const link = (admin: Caller, from: string, to: string) =>
  create(admin, `mutation ($from: ID!, $to: ID!) { createEntityLink(from: $from, to: $to, linkType: "hidden_end") { id } }`, { from, to });

/** The audit entries of each entity, named `auditOf:<name>:<n>`. */
async function auditEntries(admin: Caller, entities: Record<string, string>): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const [name, entity] of Object.entries(entities)) {
    const result = await admin<{ auditLog: { id: string }[] }>(`query ($entity: ID!) { auditLog(entity: $entity, first: 100) { id } }`, {
      entity,
    });
    (result.data?.auditLog ?? []).forEach((entry, index) => (entries[`auditOf:${name}:${index}`] = entry.id));
  }
  return entries;
}

export async function createHiddenFixtures(admin: Caller, databaseUrl: string): Promise<HiddenFixtures> {
  const { projects, organizations, grants, meetings, people, users, contracts } = DEMO;
  const restricted = { visibility: 'RESTRICTED' };
  const project = await create(admin, `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`, {
    input: { name: 'Hidden project', parentId: projects.platform, ...restricted },
  });
  const contract = await create(admin, `mutation ($input: CreateContractInput!) { createContract(input: $input) { id } }`, {
    input: {
      title: 'Hidden contract',
      organizationId: organizations.acme,
      projectId: projects.platform,
      grantId: grants.innovation,
      ...restricted,
    },
  });
  const grant = await create(admin, `mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }`, {
    input: { title: 'Hidden grant', ...restricted },
  });
  const meeting = await create(admin, `mutation ($input: CreateMeetingInput!) { createMeeting(input: $input) { id } }`, {
    input: { title: 'Hidden meeting', startsAt: '2026-03-01T10:00:00Z', ...restricted },
  });
  const decision = await create(admin, `mutation ($input: CreateDecisionInput!) { createDecision(input: $input) { id } }`, {
    input: { title: 'Hidden decision', meetingId: meetings.kickoff, projectId: projects.platform, ...restricted },
  });
  await relate(admin, 'ORGANIZATION_GRANT', organizations.acme, grant);
  await relate(admin, 'PROJECT_GRANT', projects.platform, grant);
  await relate(admin, 'MEETING_PROJECT', meeting, projects.platform);
  await relate(admin, 'MEETING_ORGANIZATION', meeting, organizations.acme);
  await relate(admin, 'MEETING_PERSON', meeting, people.ada);
  await relate(admin, 'MEETING_USER', meeting, users.restricted, 'participant');
  await relate(admin, 'PROJECT_ORGANIZATION', project, organizations.acme);

  // Visible rows whose parents are hidden: their references must read null, never the hidden ID.
  const childProject = await create(admin, `mutation ($input: CreateProjectInput!) { createProject(input: $input) { id } }`, {
    input: { name: 'Visible child of a hidden project', parentId: project },
  });
  const childContract = await create(admin, `mutation ($input: CreateContractInput!) { createContract(input: $input) { id } }`, {
    input: { title: 'Visible contract of hidden parents', organizationId: organizations.acme, projectId: project, grantId: grant },
  });
  const childAction = await create(admin, `mutation ($input: CreateActionInput!) { createAction(input: $input) { id } }`, {
    input: { title: 'Visible action of hidden parents', meetingId: meeting, projectId: project, assigneeId: users.restricted },
  });
  const childDecision = await create(admin, `mutation ($input: CreateDecisionInput!) { createDecision(input: $input) { id } }`, {
    input: { title: 'Visible decision of hidden parents', meetingId: meeting, projectId: project },
  });

  // Files: an item no Box ACL opens to anyone but admins (mirrored as the sync would), a document hidden by it,
  // one hidden by its project.
  const { '990001': boxItem } = await writeBoxMirror(databaseUrl, { items: [{ boxItemId: '990001', name: 'Hidden file.pdf' }] });
  if (!boxItem) throw new Error('fixture failed: Box item 990001');
  const documentOfBoxItem = await create(
    admin,
    `mutation ($input: CreateProjectDocumentInput!) { createProjectDocument(input: $input) { id } }`,
    {
      input: { title: 'Document of a hidden Box item', projectId: projects.platform, boxItemId: boxItem },
    },
  );
  const documentOfProject = await create(
    admin,
    `mutation ($input: CreateProjectDocumentInput!) { createProjectDocument(input: $input) { id } }`,
    {
      input: { title: 'Document of a hidden project', projectId: project },
    },
  );
  const chunk = await create(admin, `mutation ($input: CreateKbChunkInput!) { createKbChunk(input: $input) { id } }`, {
    input: { documentId: documentOfProject, content: 'hidden chunk x' },
  });

  // Agents: a visible run whose outputs name hidden entities.
  const run = await create(admin, `mutation ($input: StartRunInput!) { startRun(input: $input) { id } }`, {
    input: { agentName: 'walker', task: 'p', model: 'm' },
  });
  const step = await create(admin, `mutation ($run: ID!, $input: AppendStepInput!) { appendStep(runId: $run, input: $input) { id } }`, {
    run,
    input: { tool: 'read', sourceRefs: SOURCE(contract) },
  });
  const fact = await create(admin, `mutation ($input: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $input) { id } }`, {
    input: {
      runId: run,
      subjectId: contract,
      predicate: 'about',
      value: 'hidden subject',
      confidence: 0.9,
      sourceRefs: SOURCE(contract),
    },
  });
  const visibleFact = await create(admin, `mutation ($input: CreateKnowledgeFactInput!) { createKnowledgeFact(input: $input) { id } }`, {
    input: {
      runId: run,
      subjectId: organizations.acme,
      predicate: 'cites',
      value: 'hidden source',
      confidence: 0.9,
      sourceRefs: SOURCE(project),
    },
  });
  const insight = await create(admin, `mutation ($input: CreateKnowledgeInsightInput!) { createKnowledgeInsight(input: $input) { id } }`, {
    input: { runId: run, title: 'Insight from a hidden source', body: 'b', sourceRefs: SOURCE(contract) },
  });
  const approval = await create(admin, `mutation ($input: RequestApprovalInput!) { requestApproval(input: $input) { id } }`, {
    input: {
      runId: run,
      action: 'update_contract',
      payload: { contractId: contract },
      targetId: contract,
      sourceRefs: SOURCE(meeting),
    },
  });

  const links = {
    linkToHiddenContract: await link(admin, contracts.acmeMsa, contract),
    linkFromHiddenProject: await link(admin, project, projects.platform),
    linkToHiddenBoxItem: await link(admin, organizations.acme, boxItem),
    linkToHiddenFact: await link(admin, run, fact),
  };

  const core = { project, contract, grant, meeting, decision };
  const hiddenFromStaff: Record<string, string> = {
    ...core,
    demoProject: projects.skunkworks,
    demoGrant: grants.confidential,
    demoDecision: DEMO.decisions.layoffs,
    boxItem,
    documentOfBoxItem,
    documentOfProject,
    chunk,
    fact,
    insight,
    ...links,
  };
  Object.assign(
    hiddenFromStaff,
    await auditEntries(admin, Object.fromEntries(Object.entries(hiddenFromStaff).filter(([, id]) => !id.startsWith('lnk_')))),
  );
  return {
    hidden: { ...hiddenFromStaff, demoContract: contracts.northwindSow, demoMeeting: meetings.board },
    hiddenFromStaff,
    visibleParents: [
      projects.platform,
      organizations.acme,
      grants.innovation,
      meetings.kickoff,
      people.ada,
      users.restricted,
      contracts.acmeMsa,
      childProject,
      childContract,
      childAction,
      childDecision,
      run,
      step,
      visibleFact,
      approval,
    ],
  };
}
