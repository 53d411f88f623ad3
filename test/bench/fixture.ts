/**
 * A homogeneous data set for constant-work checks and benchmarks, written straight into each slice with its own
 * Prisma client (attributed to 'test'): one organization with `size` contracts, each on its own project and linked
 * to its own Box file (which backs a document of that project, in two chunks) and to its own agent run (with three
 * steps). Titles and names start with "0 bench" so these rows come first in every list (lists sort by title or
 * name; runs newest first), whatever demo data is there too. Every project has the organization as client and two
 * staff (owner, contributor); every run also has a fact about its contract.
 */
import diagnostics from 'node:diagnostics_channel';
import { sqlStatements, subgraphFetches } from '../support/instrumentation.ts';
// test/ does not depend on the subgraph packages (only on identity): their db modules are imported by path.
import { createCoreDb } from '../../subgraphs/core/src/db.ts';
import { createFilesDb } from '../../subgraphs/files/src/db.ts';
import { createAgentsDb } from '../../subgraphs/agents/src/db.ts';

/** What the bench's rows are attributed to, who owns them, and how their external IDs are numbered (queries.ts too). */
export const by = { actor: 'test', sourceSystem: 'test' };
export const STAFF = 'usr_demostaff0001';
export const ADMIN = 'usr_demoadmin0001';
export const pad = (i: number) => String(i).padStart(3, '0');

/** An entity link row of the bench, its external ID `lnk_bench<suffix>`. */
export const benchLink = (suffix: string, fromType: string, fromId: string, toType: string, toId: string, linkType: string) => ({
  externalId: `lnk_bench${suffix}`,
  fromType,
  fromId,
  toType,
  toId,
  linkType,
  createdBy: 'test',
  source: 'test',
  ...by,
});
/** The demo's Acme Contracts folder: owned by the demo admin (Box user 1001), staff (1002) reads it through a group. */
const CONTRACTS_FOLDER_BOX_ID = '318000000001';

export interface BenchFixture {
  size: number;
  organizationId: string;
  contractIds: string[];
  projectIds: string[];
  boxItemIds: string[];
  documentIds: string[];
  runIds: string[];
  stepIds: string[];
}

export const fixtureIds = (size: number): BenchFixture => {
  const range = Array.from({ length: size }, (_, i) => pad(i));
  return {
    size,
    organizationId: 'org_benchorg001',
    contractIds: range.map((i) => `ctr_bench${i}`),
    projectIds: range.map((i) => `prj_bench${i}`),
    boxItemIds: range.map((i) => `box_bench${i}`),
    documentIds: range.map((i) => `doc_bench${i}`),
    runIds: range.map((i) => `run_bench${i}`),
    stepIds: range.map((i) => `stp_bench${i}s0`),
  };
};

/** Writes the fixture (once per database: it fails on a second call). */
export async function seedBenchFixture(databaseUrl: string, size = 100): Promise<BenchFixture> {
  const ids = fixtureIds(size);
  const core = createCoreDb(databaseUrl);
  const files = createFilesDb(databaseUrl);
  const agents = createAgentsDb(databaseUrl);
  try {
    const organization = await core.organization.create({
      data: { externalId: ids.organizationId, name: 'Bench Org', kind: 'client', ...by },
    });
    const projects = await core.project.createManyAndReturn({
      data: ids.projectIds.map((externalId, i) => ({ externalId, name: `0 bench project ${pad(i)}`, ownerUserId: STAFF, ...by })),
    });
    const projectId = new Map(projects.map((p) => [p.externalId, p.id]));
    // Every project alike: the organization as client, the staff member as owner and the admin as contributor.
    await core.projectOrganization.createMany({
      data: projects.map((project) => ({ projectId: project.id, organizationId: organization.id, role: 'client', ...by })),
    });
    await core.projectUser.createMany({
      data: projects.flatMap((project) => [
        { projectId: project.id, userId: STAFF, role: 'owner', ...by },
        { projectId: project.id, userId: ADMIN, role: 'contributor', ...by },
      ]),
    });
    await core.contract.createMany({
      data: ids.contractIds.map((externalId, i) => ({
        externalId,
        title: `0 bench contract ${pad(i)}`,
        status: 'active' as const,
        organizationId: organization.id,
        projectId: projectId.get(ids.projectIds[i]!)!,
        ownerUserId: STAFF,
        ...by,
      })),
    });
    await core.entityLink.createMany({
      data: ids.contractIds.flatMap((contractId, i) => [
        benchLink(`${pad(i)}f`, 'Contract', contractId, 'BoxItem', ids.boxItemIds[i]!, 'signed_copy'),
        benchLink(`${pad(i)}r`, 'Contract', contractId, 'AgentRun', ids.runIds[i]!, 'reviewed_by'),
      ]),
    });

    const items = await files.boxItem.createManyAndReturn({
      data: ids.boxItemIds.map((externalId, i) => ({
        externalId,
        boxItemId: String(9_100_000_000 + i),
        boxItemType: 'file' as const,
        name: `0 bench file ${pad(i)}.pdf`,
        parentBoxFolderId: CONTRACTS_FOLDER_BOX_ID,
        ownerBoxUserId: '1001',
        sizeBytes: 1000n + BigInt(i),
        ...by,
      })),
    });
    const itemId = new Map(items.map((item) => [item.externalId, item.id]));
    await files.boxItemAncestor.createMany({
      data: items.flatMap((item) => [
        { itemBoxId: item.boxItemId, ancestorBoxId: item.boxItemId, depth: 0 },
        { itemBoxId: item.boxItemId, ancestorBoxId: CONTRACTS_FOLDER_BOX_ID, depth: 1 },
      ]),
    });
    const documents = await files.projectDocument.createManyAndReturn({
      data: ids.documentIds.map((externalId, i) => ({
        externalId,
        entityId: ids.projectIds[i]!,
        boxItemId: itemId.get(ids.boxItemIds[i]!)!,
        title: `0 bench document ${pad(i)}`,
        kind: 'contract',
        ...by,
      })),
    });
    await files.kbChunk.createMany({
      data: documents.flatMap((document, i) =>
        [0, 1].map((chunkIndex) => ({
          externalId: `kb_bench${pad(i)}c${chunkIndex}`,
          documentId: document.id,
          chunkIndex,
          content: `Chunk ${chunkIndex} of bench document ${pad(i)}.`,
          ...by,
        })),
      ),
    });

    const runs = await agents.agentRun.createManyAndReturn({
      data: ids.runIds.map((externalId, i) => ({
        externalId,
        agentName: 'bench-reviewer',
        task: `Review bench contract ${pad(i)}`,
        model: 'bench-model',
        status: 'succeeded' as const,
        initiatedBy: STAFF,
        startedAt: new Date('2026-09-03T08:00:00Z'),
        finishedAt: new Date('2026-09-03T08:01:00Z'),
        ...by,
      })),
    });
    await agents.agentStep.createMany({
      data: runs.flatMap((run, i) =>
        [0, 1, 2].map((stepIndex) => ({
          externalId: `stp_bench${pad(i)}s${stepIndex}`,
          runId: run.id,
          stepIndex,
          tool: 'box.read_file',
          input: { boxItemId: ids.boxItemIds[i] },
          output: { pages: 1 },
          sourceRefs: [{ id: ids.boxItemIds[i] }],
          ...by,
        })),
      ),
    });
    await agents.knowledgeFact.createMany({
      data: runs.map((run, i) => ({
        externalId: `fct_bench${pad(i)}`,
        runId: run.id,
        subjectId: ids.contractIds[i]!,
        predicate: 'billing_terms',
        value: 'net 30',
        confidence: 0.9,
        sourceRefs: [{ id: ids.contractIds[i] }],
        ...by,
      })),
    });
    return ids;
  } finally {
    await Promise.all([core.$disconnect(), files.$disconnect(), agents.$disconnect()]);
  }
}

/** The operations measured, each over a list of `n` rows. */
export interface MeasuredOperation {
  name: string;
  query: string;
  variables(fixture: BenchFixture, n: number): Record<string, unknown>;
  /** How many rows the answer holds at the top level (to check the list really has n rows). */
  rows(data: Record<string, unknown>): number;
}

type Nodes = { nodes: unknown[] };

export const CONTRACTS_QUERY = `query Contracts($n: Int!) { contracts(first: $n) { nodes { id title organization { name } project { name }
  links { linkType to { __typename id ... on BoxItem { name } ... on AgentRun { status } } } } } }`;

export const OPERATIONS: MeasuredOperation[] = [
  {
    name: 'contracts → organization, project, links → BoxItem / AgentRun',
    query: CONTRACTS_QUERY,
    variables: (_, n) => ({ n }),
    rows: (data) => (data.contracts as Nodes).nodes.length,
  },
  {
    name: 'agentRuns → steps → run, facts → subject (core), links (core) → from Contract',
    query: `query Runs($n: Int!) { agentRuns(first: $n) { nodes { id agentName status
      steps { id stepIndex tool sourceRefs { id } run { id } }
      facts { predicate subject { id ... on Contract { title } } }
      links(direction: INCOMING) { linkType from { id ... on Contract { title } } } } } }`,
    variables: (_, n) => ({ n }),
    rows: (data) => (data.agentRuns as Nodes).nodes.length,
  },
  {
    name: 'boxItems → parent, documents → project (core), chunks',
    query: `query Files($n: Int!) { boxItems(first: $n) { nodes { id name sizeBytes parent { name }
      documents { id title project { id name } chunks { chunkIndex content } } } } }`,
    variables: (_, n) => ({ n }),
    rows: (data) => (data.boxItems as Nodes).nodes.length,
  },
  {
    name: 'projects → owner (identity), contracts, organizations, team → user (identity), documents (files), related',
    query: `query Projects($n: Int!) { projects(first: $n) { nodes { id name owner { email }
      contracts { id title } organizations { role organization { name } } team { role user { email } }
      documents { id title boxItem { name } }
      related { via role entity { __typename id } } } } }`,
    variables: (_, n) => ({ n }),
    rows: (data) => (data.projects as Nodes).nodes.length,
  },
  {
    name: 'nodes(ids:) — n IDs of each of 6 types (6n in all)',
    query: `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id
      ... on Contract { title organization { name } }
      ... on Project { name }
      ... on BoxItem { name }
      ... on ProjectDocument { title }
      ... on AgentRun { status }
      ... on AgentStep { tool } } }`,
    variables: (fixture, n) => ({
      ids: Array.from({ length: n }, (_, i) => [
        fixture.contractIds[i],
        fixture.projectIds[i],
        fixture.boxItemIds[i],
        fixture.documentIds[i],
        fixture.runIds[i],
        fixture.stepIds[i],
      ]).flat(),
    }),
    rows: (data) => (data.nodes as unknown[]).filter(Boolean).length / 6,
  },
];

/**
 * Prisma calls (model operations and raw queries) made by every client of this process. SQL statements alone miss
 * a per-row `findUnique`: Prisma batches those made in one tick into a single statement, but each call still costs
 * CPU. Counted through Prisma's tracing hook (the `PRISMA_INSTRUMENTATION` global, read at each call), left
 * disabled so Prisma runs exactly as without it; not installed when real instrumentation is.
 */
const prismaCalls = { count: 0 };
const instrumented = globalThis as { PRISMA_INSTRUMENTATION?: unknown };
instrumented.PRISMA_INSTRUMENTATION ??= {
  helper: {
    isEnabled: () => false,
    getTraceParent: () => '00-10-10-00',
    dispatchEngineSpans: (_: unknown, spans: unknown[], dispatch: (span: unknown) => void) => spans.forEach(dispatch),
    getActiveContext: () => undefined,
    runInChildSpan: (options: string | { name: string }, run: () => unknown) => {
      if (typeof options === 'object' && options.name === 'operation') prismaCalls.count += 1;
      return run();
    },
  },
};

/** Every HTTP request any server of this process receives: gateway, session lookups, subgraph calls. */
const httpRequests = { count: 0, open: 0, byPort: new Map<number, number>() };
diagnostics.subscribe('http.server.request.start', (message) => {
  httpRequests.count += 1;
  httpRequests.open += 1;
  const port = (message as { socket: { localPort?: number } }).socket.localPort ?? 0;
  httpRequests.byPort.set(port, (httpRequests.byPort.get(port) ?? 0) + 1);
  // 'close' comes once the response is sent, or its client gone.
  (message as { response: NodeJS.EventEmitter }).response.once('close', () => {
    httpRequests.open -= 1;
  });
});

/** How many HTTP requests the server on this local port has received so far. */
export const requestsReceived = (port: number): number => httpRequests.byPort.get(port) ?? 0;

/**
 * Resolves once no HTTP request is open in this process for 50 ms on end: a load generator that stops leaves the
 * requests it had in flight running in the stack (the gateway goes on with an operation whose client left), which
 * would otherwise spill into the next measurement.
 */
export async function idle(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  while (Date.now() < deadline) {
    if (httpRequests.open > 0) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    else if (Date.now() - quietSince >= 50) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Work {
  /** SQL statements sent by every Prisma client of the process. */
  sql: number;
  /** Prisma calls (operations and raw queries) of every client of the process. */
  prisma: number;
  /** Gateway → subgraph requests. */
  fetches: number;
  /** HTTP requests received by all servers of the process (1 to the gateway, the fetches (the session lookup at identity only on a cache miss), and subgraph → subgraph checks). */
  http: number;
}

const snapshot = (): Work => ({
  sql: sqlStatements.count,
  prisma: prismaCalls.count,
  fetches: subgraphFetches.count,
  http: httpRequests.count,
});

/**
 * The steady work of a call: the least of each counter over `tries` calls. Periodic work that lands in whichever
 * request comes due — identity's verification keys re-read every 30 s, a cache refresh — is left out, while work
 * that grows with a list shows in every try.
 */
export async function steadyWorkOf<T>(call: () => Promise<T>, tries = 3): Promise<{ result: T; work: Work }> {
  let best = await workOf(call);
  for (let i = 1; i < tries; i += 1) {
    const next = await workOf(call);
    best = { result: next.result, work: leastOf(best.work, next.work) };
  }
  return best;
}

const leastOf = (a: Work, b: Work): Work => ({
  sql: Math.min(a.sql, b.sql),
  prisma: Math.min(a.prisma, b.prisma),
  fetches: Math.min(a.fetches, b.fetches),
  http: Math.min(a.http, b.http),
});

/** The work one call caused in this process (the stack must run in it). */
export async function workOf<T>(call: () => Promise<T>): Promise<{ result: T; work: Work }> {
  const before = snapshot();
  const result = await call();
  // Servers finish their bookkeeping (and Prisma emits its events) by the time the response is read; one more
  // turn of the event loop lets any straggler land before the counters are read.
  await new Promise((resolve) => setImmediate(resolve));
  const after = snapshot();
  const work = Object.fromEntries(Object.keys(after).map((key) => [key, after[key as keyof Work] - before[key as keyof Work]]));
  return { result, work: work as unknown as Work };
}
