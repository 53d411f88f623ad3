/**
 * A subgraph killed and restarted under load (production shape): four clients ask core-rooted queries that reach
 * into files while files is SIGKILLed and started again. Every answer has its root: what files owns is null or left
 * out with an error at its path, everything else is answered; once files is back, answers are whole again. Lists
 * that check rows at another owner (core's links, an agent run's lists) keep what they can check while it is down.
 */
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../../support/databases.ts';
import { emptyTally, outcomeOf, type Tally } from '../../support/faults.ts';
import { startProductionStack, type ProductionStack } from '../../support/production.ts';
import { postGraphQL, type GraphQLResponse } from '../../support/stack.ts';

const [kind] = databaseKinds();

/** Core-rooted queries, each with the root field it is judged by. */
const QUERIES = {
  // Selects nothing from files, but core must ask files whether each link's file end is visible.
  linkIds: { root: 'contracts', query: '{ contracts(first: 5) { nodes { id title links { linkType toId } } } }' },
  linkEnds: {
    root: 'contract',
    query: `{ contract(id: "${DEMO.contracts.acmeMsa}") { id title links { linkType to { __typename id ... on BoxItem { name } } } } }`,
  },
  documents: { root: 'project', query: `{ project(id: "${DEMO.projects.platform}") { id name documents { id title } } }` },
  related: { root: 'contract', query: `{ contract(id: "${DEMO.contracts.acmeMsa}") { id related { via entity { __typename id } } } }` },
} as const;
type QueryName = keyof typeof QUERIES;

const CLIENTS = 4;
/** Requests per client at most, whatever the machine's speed. */
const MAX_REQUESTS_PER_CLIENT = 150;

describe(`a subgraph killed and restarted under load (${kind} Postgres, production shape)`, () => {
  let stack: ProductionStack;
  let token: string;
  const ask = (name: QueryName): Promise<GraphQLResponse<Record<string, unknown>> | undefined> =>
    postGraphQL<Record<string, unknown>>(stack.gatewayUrl, QUERIES[name].query, {}, { authorization: `Bearer ${token}` }).catch(
      () => undefined,
    );

  beforeAll(async () => {
    stack = await startProductionStack(kind!);
    token = await stack.token();
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers every query with its root while files is down, and whole again once it is back', async () => {
    for (const name of Object.keys(QUERIES) as QueryName[]) expect((await ask(name))?.errors).toBeUndefined();

    const seen: Record<'down' | 'all', Tally> = { down: emptyTally(), all: emptyTally() };
    const examples: GraphQLResponse<Record<string, unknown>>[] = [];
    let phase: 'up' | 'down' | 'restarting' = 'up';
    let running = true;
    const client = async (offset: number) => {
      const names = Object.keys(QUERIES) as QueryName[];
      for (let sent = 0; running && sent < MAX_REQUESTS_PER_CLIENT; sent += 1) {
        const name = names[(offset + sent) % names.length]!;
        const during = phase;
        const answer = await ask(name);
        const outcome = outcomeOf(answer, QUERIES[name].root);
        seen.all[outcome] += 1;
        if (during === 'down') seen.down[outcome] += 1;
        if (outcome !== 'full' && outcome !== 'partial' && answer) examples.push(answer);
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await pause(1_000);
    await stack.services.files.signal('SIGKILL');
    phase = 'down';
    await pause(3_000);
    phase = 'restarting';
    await stack.services.files.start();
    phase = 'up';
    await pause(1_000);
    running = false;
    await Promise.all(clients);

    console.log(`what clients saw while files was down: ${JSON.stringify(seen.down)}; over the whole run: ${JSON.stringify(seen.all)}`);
    expect(examples.slice(0, 3)).toEqual([]);
    expect(seen.down.partial).toBeGreaterThan(0);
    expect(seen.all.nullRoot + seen.all.failed + seen.all.unpathed).toBe(0);

    // Back: every query whole again.
    for (const name of Object.keys(QUERIES) as QueryName[]) expect((await ask(name))?.errors).toBeUndefined();
  }, 240_000);

  it('keeps the links core can check and reports the others at the list, with files down', async () => {
    const whole = await ask('linkEnds');
    // An admin's agent held to the Acme contract and its file: the links list checks every end at its owner (an
    // admin's own token would not ask files at all).
    const staff = await stack.token('admin@wrk.demo', {
      agentName: 'link-bot',
      scopes: ['core:read', 'files:read', 'identity:admin', 'agents:read'],
      allow: [DEMO.contracts.acmeMsa, DEMO.boxItems.acmeMsaFile, DEMO.agentRuns.review],
    });
    const LINKS = '{ entityLinks(first: 100) { nodes { id toId fromId } } }';
    type LinkIds = { entityLinks: { nodes: { id: string; toId: string; fromId: string }[] } };
    const listOfLinks = () => postGraphQL<LinkIds>(stack.gatewayUrl, LINKS, {}, { authorization: `Bearer ${staff}` });
    const allLinks = await listOfLinks();
    expect(allLinks.errors).toBeUndefined();
    await stack.services.files.signal('SIGKILL');
    try {
      const links = (answer: GraphQLResponse<Record<string, unknown>> | undefined) =>
        (answer?.data?.contract as { links: { linkType: string; to: { __typename: string } | null }[] } | null)?.links ?? [];
      const answer = await ask('linkEnds');
      // The link to the Box file cannot be checked: left out (hidden stays missing), said so at the list's path.
      const expected = links(whole).filter((link) => link.to?.__typename !== 'BoxItem');
      expect(expected.length).toBeGreaterThan(0);
      expect(links(answer)).toEqual(expected);
      expect(answer?.errors).toEqual([
        expect.objectContaining({ path: ['contract', 'links'], extensions: expect.objectContaining({ code: 'UNAVAILABLE' }) }),
      ]);
      // The root list degrades the same way: links with a file end left out, UNAVAILABLE at its path.
      const listed = await listOfLinks();
      const fileEnd = (link: { toId: string; fromId: string }) => [link.toId, link.fromId].some((id) => id.startsWith('box_'));
      expect(allLinks.data!.entityLinks.nodes.some(fileEnd)).toBe(true);
      expect(listed.data?.entityLinks.nodes).toEqual(allLinks.data!.entityLinks.nodes.filter((link) => !fileEnd(link)));
      expect(listed.errors).toEqual([
        expect.objectContaining({ path: ['entityLinks'], extensions: expect.objectContaining({ code: 'UNAVAILABLE' }) }),
      ]);
      const documents = await ask('documents');
      expect(documents?.data?.project).toMatchObject({ id: DEMO.projects.platform, documents: null });
      expect(documents?.errors).toEqual([
        expect.objectContaining({ path: ['project', 'documents'], extensions: expect.objectContaining({ code: 'UNAVAILABLE' }) }),
      ]);
    } finally {
      await stack.services.files.start();
    }
  }, 180_000);

  it('answers an agent run with core down: its lists leave out what core must check, and say so at their paths', async () => {
    const staff = await stack.token('staff@wrk.demo');
    const RUN = `{ agentRun(id: "${DEMO.agentRuns.review}") { id status touched { entityId action } facts { id } approvals { id } insights { id } } }`;
    type Rows = { id: string }[];
    type Run = { id: string; touched: { entityId: string; action: string }[]; facts: Rows; approvals: Rows; insights: Rows };
    const askRun = () => postGraphQL<{ agentRun: Run | null }>(stack.gatewayUrl, RUN, {}, { authorization: `Bearer ${staff}` });
    // Two writes of the run, as the audit trail records them (append-only: they stay in this stack's database): one
    // to a core contract, one to the run itself (agents).
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      for (const [index, [entityType, entityId, action]] of [
        ['Contract', DEMO.contracts.acmeMsa, 'update'],
        ['AgentRun', DEMO.agentRuns.review, 'create'],
      ].entries()) {
        await db.query(
          `INSERT INTO "platform"."audit_logs" (external_id, entity_type, entity_id, action, actor, source_system, run_id)
           VALUES ($1, $2, $3, $4, 'agent:review-bot', 'test', $5)`,
          [`aud_rundown${Date.now()}${index}`, entityType, entityId, action, DEMO.agentRuns.review],
        );
      }
    } finally {
      await db.end();
    }
    const whole = await askRun();
    expect(whole.errors).toBeUndefined();
    const run = whole.data!.agentRun!;
    expect(run.touched.map((write) => write.entityId)).toEqual(expect.arrayContaining([DEMO.contracts.acmeMsa, DEMO.agentRuns.review]));
    expect(run.facts.length).toBeGreaterThan(0);
    expect(run.approvals.length).toBeGreaterThan(0);
    expect(run.insights.length).toBeGreaterThan(0);
    await stack.services.core.signal('SIGKILL');
    try {
      const partial = await askRun();
      // The run is answered: its own fields, and in each list what agents and the owners still up can check.
      expect(partial.data?.agentRun).toEqual({
        ...run,
        touched: run.touched.filter((write) => write.entityId !== DEMO.contracts.acmeMsa),
        // The demo run's facts, approvals and insights all rest on core's Acme contract.
        facts: [],
        approvals: [],
        insights: [],
      });
      const leftOut = (field: string) =>
        expect.objectContaining({
          path: ['agentRun', field],
          message: expect.stringContaining('of core are left out'),
          extensions: expect.objectContaining({ code: 'UNAVAILABLE' }),
        });
      const lists = ['touched', 'facts', 'approvals', 'insights'];
      expect(partial.errors).toEqual(expect.arrayContaining(lists.map(leftOut)));
      expect(partial.errors).toHaveLength(lists.length);
    } finally {
      await stack.services.core.start();
    }
    const again = await askRun();
    expect(again.errors).toBeUndefined();
    expect(again.data?.agentRun).toEqual(run);
  }, 180_000);
});
