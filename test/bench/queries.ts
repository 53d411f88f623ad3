/**
 * The operations `pnpm bench` compares gateways on, and the rows they need beyond the bench fixture
 * (test/bench/fixture.ts) so that every list in them is full: 20 more organizations, and for every bench project
 * two meetings, three actions and links to its Box file and its agent run (the dashboard's lists).
 */
import type { SubgraphName } from '@wrk/catalog';
import { createCoreDb } from '../../subgraphs/core/src/db.ts';
import { ADMIN, benchLink, by, pad, STAFF, type BenchFixture } from './fixture.ts';

/** Every list of the operations holds this many rows at its top level. */
export const PAGE = 20;

/** Writes the dashboard's rows for every project of the fixture (once per database). */
export async function seedDashboard(databaseUrl: string, fixture: BenchFixture): Promise<void> {
  const core = createCoreDb(databaseUrl);
  try {
    await core.organization.createMany({
      data: Array.from({ length: PAGE }, (_, i) => ({
        externalId: `org_benchlist${pad(i)}`,
        name: `0 bench list org ${pad(i)}`,
        kind: 'client',
        ...by,
      })),
    });
    const projects = await core.project.findMany({
      where: { externalId: { in: fixture.projectIds } },
      select: { id: true, externalId: true },
    });
    const meetings = await core.meeting.createManyAndReturn({
      data: projects.flatMap((project, i) =>
        [0, 1].map((m) => ({
          externalId: `mtg_bench${pad(i)}m${m}`,
          title: `0 bench meeting ${pad(i)}/${m}`,
          startsAt: new Date(Date.UTC(2026, 8, 1 + m, 9)),
          ownerUserId: STAFF,
          ...by,
        })),
      ),
    });
    const meetingIds = new Map(meetings.map((meeting) => [meeting.externalId, meeting.id]));
    await core.meetingProject.createMany({
      data: projects.flatMap((project, i) =>
        [0, 1].map((m) => ({ meetingId: meetingIds.get(`mtg_bench${pad(i)}m${m}`) ?? 0, projectId: project.id, ...by })),
      ),
    });
    await core.action.createMany({
      data: projects.flatMap((project, i) =>
        [0, 1, 2].map((a) => ({
          externalId: `act_bench${pad(i)}a${a}`,
          title: `0 bench action ${pad(i)}/${a}`,
          assigneeUserId: a % 2 ? ADMIN : STAFF,
          creatorUserId: STAFF,
          meetingId: meetingIds.get(`mtg_bench${pad(i)}m0`),
          projectId: project.id,
          ...by,
        })),
      ),
    });
    await core.entityLink.createMany({
      data: fixture.projectIds.flatMap((projectId, i) => [
        benchLink(`p${pad(i)}f`, 'Project', projectId, 'BoxItem', fixture.boxItemIds[i] ?? '', 'workspace'),
        benchLink(`p${pad(i)}r`, 'Project', projectId, 'AgentRun', fixture.runIds[i] ?? '', 'analysed_by'),
      ]),
    });
  } finally {
    await core.$disconnect();
  }
}

type Data = Record<string, unknown>;
const nodesOf = (data: Data, field: string): unknown[] => {
  const connection = data[field];
  return typeof connection === 'object' && connection !== null && 'nodes' in connection && Array.isArray(connection.nodes)
    ? connection.nodes
    : [];
};

/** An operation compared through each gateway (and straight to its one subgraph where it has one). */
export interface ComparedQuery {
  key: string;
  label: string;
  query: string;
  /** The subgraph that answers it alone, for the direct side. */
  direct?: SubgraphName;
  /** Rows at its top level (the answer is checked to be a full page before the load). */
  rows(data: Data): number;
}

export const COMPARED_QUERIES: ComparedQuery[] = [
  {
    key: 'list',
    label: 'single-subgraph list `organizations(first: 20) { nodes { id name } }`',
    query: 'query List { organizations(first: 20) { nodes { id name } } }',
    direct: 'core',
    rows: (data) => nodesOf(data, 'organizations').length,
  },
  {
    key: 'dashboard',
    label:
      'project dashboard: 20 projects with owner, organisations, contracts, team, meetings, actions, documents, links → Box items / agent runs',
    query: `query Dashboard { projects(first: 20) { nodes { id name status owner { email }
      organizations { role organization { id name } }
      contracts { id title status organization { name } }
      team { role user { id email } }
      meetings { meeting { id title startsAt } }
      actions { id title status dueOn assignee { id email } }
      documents { id title boxItem { name } }
      links { linkType to { __typename id ... on BoxItem { name sizeBytes } ... on AgentRun { agentName status } } } } } }`,
    rows: (data) => nodesOf(data, 'projects').length,
  },
  {
    key: 'deep',
    label:
      'deep cross-domain links: contracts → links → agent run → steps, facts → subject contract → organisation, links → Box item → documents → project → owner',
    query: `query Deep { contracts(first: 20) { nodes { id title project { name }
      links { linkType to { __typename id
        ... on AgentRun { status steps { tool } facts { predicate subject { id ... on Contract { title organization { name } } } } }
        ... on BoxItem { name parent { name } documents { title project { name owner { email } } } } } } } } }`,
    rows: (data) => nodesOf(data, 'contracts').length,
  },
  {
    key: 'search',
    label: '`searchDocuments(query: "bench", first: 20)` with totalCount, snippets, documents and Box items',
    query: `query Search { searchDocuments(query: "bench", first: 20) { totalCount
      nodes { score snippet document { id title } boxItem { name } } } }`,
    direct: 'files',
    rows: (data) => nodesOf(data, 'searchDocuments').length,
  },
];
