/**
 * The search part of `pnpm bench` (also alone: `pnpm bench:search`, which replaces its section of results.md):
 * 100,000 chunks of 100,000 documents on 100,000 Box files in a four-level folder tree, `searchDocuments` through
 * the gateway at c=1, staff and staff's agent (the permission filter on: Box ACL through the closure, groups, the
 * entity check) interleaved request by request with an admin (no permission filter) and with staff without the
 * candidate cap, over queries of different selectivity. Then the files subgraph's own time per stage and EXPLAIN
 * ANALYZE of the permission-filtered statements, to show which indexes they use.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEMO } from '@wrk/demo';
import pg from 'pg';
import type { Claims } from '@wrk/platform';
import type { TestStack } from '../support/stack.ts';

const FILES = 100_000;
const SAMPLES = Number(process.env.SEARCH_SAMPLES ?? 60);
/** Words are term0…term1999, drawn with a skew (random()²) so that low numbers are frequent. */
const QUERIES = [
  { label: 'rare word', query: 'term1500' },
  { label: 'medium word', query: 'term300' },
  { label: 'two words (AND)', query: 'term40 term41' },
  { label: 'phrase', query: '"term20 term21"' },
  { label: 'frequent word', query: 'term5' },
];
const SECTION = '## Search: `searchDocuments` over 100,000 chunks';

/**
 * The tree under the Bench root (Box 7000000000, owned by the admin): 10 L1 folders, 100 L2, 1,000 L3, and 100
 * files in each L3. Staff (Box user 1002) reads L1 #1–#3 through a group, 50 L3 folders elsewhere directly, and
 * holds pending, expired and uploader collaborations on L1 #4–#6 that grant nothing: about 35% of the files.
 * 10% of the documents belong to the restricted Skunkworks project, which staff cannot see.
 */
export async function seedSearchFixture(databaseUrl: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(`
      CREATE TEMP TABLE bench_items ON COMMIT DROP AS
        SELECT '7000000000' AS box_id, 'folder' AS type, '0' AS parent, 'Bench' AS name, 0 AS level, 0 AS n
        UNION ALL SELECT '71' || lpad(i::text, 8, '0'), 'folder', '7000000000', 'L1 ' || i, 1, i FROM generate_series(1, 10) i
        UNION ALL SELECT '72' || lpad(i::text, 8, '0'), 'folder', '71' || lpad(((i - 1) / 10 + 1)::text, 8, '0'), 'L2 ' || i, 2, i FROM generate_series(1, 100) i
        UNION ALL SELECT '73' || lpad(i::text, 8, '0'), 'folder', '72' || lpad(((i - 1) / 10 + 1)::text, 8, '0'), 'L3 ' || i, 3, i FROM generate_series(1, 1000) i
        UNION ALL SELECT '74' || lpad(i::text, 8, '0'), 'file', '73' || lpad(((i - 1) / 100 + 1)::text, 8, '0'), 'file ' || i || '.pdf', 4, i FROM generate_series(1, ${FILES}) i`);
    await db.query(`
      INSERT INTO files.box_items (external_id, box_item_id, box_item_type, name, parent_box_folder_id, owner_box_user_id, path, actor, source_system)
      SELECT 'box_srch' || level || lpad(n::text, 6, '0'), box_id, type::files."BoxItemType", name, parent, '1001', '', 'bench', 'bench' FROM bench_items`);
    // The closure: walk up the parents (at most five levels) once, in SQL.
    await db.query(`
      WITH RECURSIVE up (item, ancestor, depth) AS (
        SELECT box_id, box_id, 0 FROM bench_items
        UNION ALL
        SELECT up.item, COALESCE(p.parent, '0'), up.depth + 1 FROM up LEFT JOIN bench_items p ON p.box_id = up.ancestor
        WHERE up.ancestor <> '0'
      )
      INSERT INTO files.box_item_ancestors (item_box_id, ancestor_box_id, depth) SELECT item, ancestor, depth FROM up`);
    await db.query(`INSERT INTO files.box_groups (box_group_id, name) VALUES ('5900', 'Bench readers')`);
    await db.query(`INSERT INTO files.box_group_memberships (box_group_id, box_user_id)
      SELECT '5900', '1002' UNION ALL SELECT '5900', (3000 + i)::text FROM generate_series(1, 200) i`);
    await db.query(`
      INSERT INTO files.box_collaborations (box_collaboration_id, box_item_id, principal_type, principal_id, role, status, expires_at)
      SELECT '89' || i, '71' || lpad(i::text, 8, '0'), 'group'::files."BoxPrincipalType", '5900', 'viewer', 'accepted'::files."BoxCollaborationStatus", NULL::timestamptz FROM generate_series(1, 3) i
      UNION ALL SELECT '88' || i, '73' || lpad((400 + i * 10)::text, 8, '0'), 'user', '1002', 'editor', 'accepted', NULL FROM generate_series(1, 50) i
      UNION ALL SELECT '874', '7100000004', 'user', '1002', 'viewer', 'pending', NULL
      UNION ALL SELECT '875', '7100000005', 'user', '1002', 'viewer', 'accepted', now() - interval '1 day'
      UNION ALL SELECT '876', '7100000006', 'user', '1002', 'uploader', 'accepted', NULL
      UNION ALL SELECT '86' || i, '74' || lpad((i * 97)::text, 8, '0'), 'user', (4000 + i)::text, 'viewer', 'accepted', NULL FROM generate_series(1, 1000) i`);
    await db.query(
      `INSERT INTO files.project_documents (external_id, entity_id, box_item_id, title, actor, source_system)
       SELECT 'doc_srch' || lpad(i.n::text, 6, '0'), CASE WHEN i.n % 10 = 0 THEN $2 ELSE $1 END, b.id, 'Bench document ' || i.n, 'bench', 'bench'
       FROM files.box_items b JOIN bench_items i ON i.box_id = b.box_item_id WHERE i.level = 4`,
      [DEMO.projects.platform, DEMO.projects.skunkworks],
    );
    await db.query(`
      INSERT INTO files.kb_index (external_id, document_id, chunk_index, content, actor, source_system)
      SELECT 'kb_srch' || lpad(d.id::text, 7, '0'), d.id, 0,
        (SELECT string_agg('term' || floor(2000 * random() ^ 2)::int, ' ') FROM generate_series(1, 40) w WHERE d.id IS NOT NULL),
        'bench', 'bench'
      FROM files.project_documents d WHERE d.external_id LIKE 'doc_srch%'`);
    await db.query('COMMIT');
    // As autovacuum would leave them: statistics, and visibility maps (index-only scans of the closure).
    await db.query(
      'VACUUM ANALYZE files.box_items, files.box_item_ancestors, files.box_collaborations, files.box_group_memberships, files.project_documents, files.kb_index, files.search_chunks',
    );
  } finally {
    await db.end();
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (values: number[]) => percentile(values, 50);
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
/** A median with the range it came from: `12.3 (10.1–15.0)`. */
const spread = (values: number[], format = ms) =>
  `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

interface SearchAnswer {
  searchDocuments: { totalCount: number; totalCountIsExact: boolean; nodes: { score: number }[] };
}
const SEARCH = `query ($q: String!) { searchDocuments(query: $q, first: 20) { totalCount totalCountIsExact nodes { score snippet document { id } } } }`;
const ROUNDS = Number(process.env.SEARCH_ROUNDS ?? 4);
/** The candidate cap of the uncapped side: more than any query here matches. */
const UNCAPPED = String(10 * FILES);

/**
 * The sides measured, interleaved request by request: who asks, whether the candidate cap is lifted, and where. The
 * `deployed…` sides ask the same of the production shape on the same database: the gateway and each subgraph a
 * process of its own, as deployed, instead of all of them on this process's one event loop.
 */
type InProcessSide = 'staff' | 'agent' | 'admin' | 'uncapped';
type Side = InProcessSide | 'deployedStaff' | 'deployedAgent' | 'deployedAdmin';
const SIDES: Side[] = ['staff', 'agent', 'admin', 'uncapped', 'deployedStaff', 'deployedAgent', 'deployedAdmin'];
/** The deployed sides ask as their in-process namesakes. */
const DEPLOYED: Record<Exclude<Side, InProcessSide>, InProcessSide> = {
  deployedStaff: 'staff',
  deployedAgent: 'agent',
  deployedAdmin: 'admin',
};
const isDeployed = (side: Side): side is keyof typeof DEPLOYED => side in DEPLOYED;
const askingAs = (side: Side): InProcessSide => (isDeployed(side) ? DEPLOYED[side] : side);

/** The 1-minute load average, as the report quotes it. */
const load = () => loadavg()[0]!.toFixed(1);

/** Measures and returns the report section (markdown lines). */
export async function searchBench(stack: TestStack): Promise<string[]> {
  const started = Date.now();
  await seedSearchFixture(stack.databaseUrl);
  const seeded = Date.now() - started;
  const loadAtStart = load();
  const headers: Record<InProcessSide, Record<string, string>> = {
    staff: stack.as(await stack.token('staff@wrk.demo')),
    agent: stack.as(await stack.token('staff@wrk.demo', { agent: 'bench-search', scopes: ['files:read', 'core:read'] })),
    admin: stack.as(await stack.token('admin@wrk.demo')),
    uncapped: stack.as(await stack.token('staff@wrk.demo')),
  };
  const { startSubgraphFleet, startWrkGateway } = await import('./processes.ts');
  const fleet = await startSubgraphFleet(stack.databaseUrl);
  const deployedGateway = await startWrkGateway(fleet, stack.databaseUrl).catch(async (error: unknown) => {
    await fleet.stop();
    throw error;
  });
  try {
    return await measure();
  } finally {
    await deployedGateway.stop();
    await fleet.stop();
  }

  async function measure(): Promise<string[]> {
    const ask = async (side: Side, variables: { q: string }) => {
      const asked = askingAs(side);
      if (asked === side) return stack.graphql<SearchAnswer>(SEARCH, variables, headers[asked]);
      const response = await fetch(`${deployedGateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers[asked] },
        body: JSON.stringify({ query: SEARCH, variables }),
      });
      return (await response.json()) as { data?: SearchAnswer; errors?: unknown[] };
    };
    const configuredCap = process.env.WRK_SEARCH_CANDIDATES;
    const timed = async (query: string, side: Side) => {
      // The stack runs in this process: the cap is read per request.
      if (side === 'uncapped') process.env.WRK_SEARCH_CANDIDATES = UNCAPPED;
      else if (configuredCap === undefined) delete process.env.WRK_SEARCH_CANDIDATES;
      else process.env.WRK_SEARCH_CANDIDATES = configuredCap;
      const start = performance.now();
      const result = await ask(side, { q: query });
      const elapsed = performance.now() - start;
      if (result.errors?.length || !result.data) throw new Error(`search failed: ${JSON.stringify(result.errors)}`);
      const scores = result.data.searchDocuments.nodes.map((node) => node.score);
      if (scores.some((score, index) => index > 0 && score > scores[index - 1]!)) throw new Error(`hits not best first: ${scores.join()}`);
      const { totalCount, totalCountIsExact } = result.data.searchDocuments;
      return { elapsed, total: `${totalCount.toLocaleString('en')}${totalCountIsExact ? '' : '+'}` };
    };
    for (const { query } of QUERIES) for (let warm = 0; warm < 3; warm++) for (const side of SIDES) await timed(query, side);
    // Rounds over all the queries (so that a change of load hits every class), each a run of samples of every side
    // interleaved request by request, rotating which side goes first.
    const perQuery = QUERIES.map(() => ({
      times: Object.fromEntries(SIDES.map((side) => [side, [] as number[]])) as Record<Side, number[]>,
      totals: {} as Record<Side, string>,
      ratios: [] as number[],
      deployedRatios: [] as number[],
    }));
    const perRound = Math.max(1, Math.round(SAMPLES / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, { query }] of QUERIES.entries()) {
        const measured = perQuery[index]!;
        const times = Object.fromEntries(SIDES.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
        for (let sample = 0; sample < perRound; sample++) {
          for (let turn = 0; turn < SIDES.length; turn++) {
            const side = SIDES[(sample + turn) % SIDES.length]!;
            const { elapsed, total } = await timed(query, side);
            times[side].push(elapsed);
            measured.totals[side] = total;
          }
        }
        for (const side of SIDES) measured.times[side].push(...times[side]);
        measured.ratios.push(median(times.staff) / median(times.admin));
        measured.deployedRatios.push(median(times.deployedStaff) / median(times.deployedAdmin));
      }
    }
    if (configuredCap === undefined) delete process.env.WRK_SEARCH_CANDIDATES;
    else process.env.WRK_SEARCH_CANDIDATES = configuredCap;
    const loadAtEnd = load();
    const cell = (values: number[]) => `${ms(median(values))} | ${ms(percentile(values, 95))}`;
    const rows = QUERIES.map(({ label, query }, index) => {
      const { times, totals, ratios } = perQuery[index]!;
      return (
        `| ${label} \`${query}\` | ${totals.staff} | ${cell(times.staff)} | ${cell(times.agent)} | ${totals.admin} | ${cell(times.admin)} | ` +
        `${spread(ratios, ratio)} | ${totals.uncapped} | ${cell(times.uncapped)} |`
      );
    });
    const deployedRows = QUERIES.map(({ label, query }, index) => {
      const { times, deployedRatios } = perQuery[index]!;
      return `| ${label} \`${query}\` | ${cell(times.deployedStaff)} | ${cell(times.deployedAgent)} | ${cell(times.deployedAdmin)} | ${spread(deployedRatios, ratio)} |`;
    });
    const every = (side: Side) => perQuery.flatMap((measured) => measured.times[side]);
    const bold = (side: Side) => `**${cell(every(side)).replaceAll(' | ', '** | **')}**`;
    const stages = await sqlStages(stack.databaseUrl);
    const plans = await explainPlans(stack.databaseUrl);
    const samples = perRound * ROUNDS;
    const cap = Number(configuredCap) > 0 ? Number(configuredCap) : 1000;
    return [
      SECTION,
      '',
      `${FILES.toLocaleString('en')} Box files in a 4-level folder tree (1,111 folders; closure ${(FILES * 6).toLocaleString('en')}+ rows), one document and one ` +
        `40-word chunk each (seeded in ${Math.round(seeded / 1000)} s). \`searchDocuments(query:, first: 20)\` with totalCount and snippets, through ` +
        `the gateway, c=1, ${samples} samples per side per query in ${ROUNDS} rounds, the sides **interleaved request by request** ` +
        '(rotating which goes first). Filter ON: *staff*, who reads ~35% of the files (a group on 3 of 10 top folders, direct collaborations on ' +
        '50 deeper folders; pending/expired/uploader grants on 3 more that grant nothing) and not the 10% of documents of a restricted project, ' +
        'and *staff’s agent* (scopes files:read, core:read, no allowlist) — the Box ACL through the closure, the group memberships and the ' +
        'entity check (one `_entities` call to core for the candidates’ entities) all inside the request. Filter OFF: *admin*, the same ' +
        `statement without any permission condition (and more rows to rank). The candidate cap is ${cap.toLocaleString('en')} visible matches ` +
        '(`WRK_SEARCH_CANDIDATES`); *no cap* is staff again with the cap lifted (exact totalCount and ranking over every match). ' +
        'Hits: totalCount, `+` when `totalCountIsExact` is false. Latencies in ms; the ratio is the median over the rounds of each ' +
        `round’s p50 staff ÷ p50 admin (min–max over rounds). Load average (1 min) at the start ${loadAtStart}, at the end ${loadAtEnd}, ` +
        'on 2 cores shared with other work; Postgres is the embedded one with its default `shared_buffers` (128 MB).',
      '',
      '| Query | hits (staff) | staff p50 | staff p95 | agent p50 | agent p95 | hits (admin) | admin p50 | admin p95 | p50 staff ÷ admin, median (min–max) | hits (no cap) | no cap p50 | no cap p95 |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      `| **all queries** | | ${bold('staff')} | ${bold('agent')} | | ` +
        `${bold('admin')} | ${ratio(median(every('staff')) / median(every('admin')))} | | ${cell(every('uncapped'))} |`,
      '',
      'The same requests of staff, the agent and admin, interleaved with the above in every round, through the production shape on the same ' +
        'database: the gateway and each subgraph a process of its own, as deployed (not pinned), instead of all of them on the event loop of ' +
        'the process that also sends the requests.',
      '',
      '| Query (deployed shape) | staff p50 | staff p95 | agent p50 | agent p95 | admin p50 | admin p95 | p50 staff ÷ admin, median (min–max) |',
      '|---|---|---|---|---|---|---|---|',
      ...deployedRows,
      `| **all queries** | ${bold('deployedStaff')} | ${bold('deployedAgent')} | ${bold('deployedAdmin')} | ` +
        `${ratio(median(every('deployedStaff')) / median(every('deployedAdmin')))} |`,
      '',
      ...stages,
      '',
      'Plans of the permission-filtered statements (EXPLAIN ANALYZE, staff), index use only:',
      '',
      ...plans,
      '',
    ];
  }
}

/** The claims of the bench's staff and admin, as the files subgraph sees them. */
const STAFF: Claims = {
  kind: 'staff',
  role: 'staff',
  sub: DEMO.users.staff,
  accounts: { box: '1002' },
  teams: [],
  scopes: [],
  requestId: 'bench',
};
const ADMIN: Claims = { kind: 'staff', role: 'admin', sub: DEMO.users.admin, teams: [], scopes: [], requestId: 'bench' };

/**
 * Where the time goes, without the gateway: the files subgraph's own search for one request, run directly (the
 * same `searchChunks` and visibility code; core's answer given), interleaved, per query class. The rest of a
 * request's time is HTTP, the gateway's plan and the `_entities` round trip to core.
 */
async function sqlStages(databaseUrl: string): Promise<string[]> {
  const { filesVisibility } = await import('../../subgraphs/files/src/visibility.ts');
  const { searchChunks } = await import('../../subgraphs/files/src/search.ts');
  const { createFilesDb } = await import('../../subgraphs/files/src/db.ts');
  const { Prisma } = await import('../../subgraphs/files/src/__generated__/prisma/client.ts');
  const db = createFilesDb(databaseUrl);
  const time = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };
  const configuredCap = process.env.WRK_SEARCH_CANDIDATES;
  try {
    const staff = filesVisibility(STAFF);
    const admin = filesVisibility(ADMIN);
    const lines = [
      `Time per stage in the files subgraph alone (direct statements, no HTTP; median (min–max) of ${ROUNDS * 5} interleaved runs, ms). ` +
        '*Search*: the ranking statement and the page’s rows with snippets (core’s answer given), staff (ON) and admin (OFF), with the ' +
        'candidate cap and without it. *Match + count*: the match alone (`count(*)` of the GIN match, no join, no rank): the floor of ' +
        'any exact totalCount. *Rank*: the same with `max(ts_rank)`.',
      '',
      '| Query | Search ON | Search ON, no cap | Search OFF | Match + count | Rank |',
      '|---|---|---|---|---|---|',
    ];
    for (const { label, query } of QUERIES) {
      const tsquery = Prisma.sql`websearch_to_tsquery('english'::regconfig, ${query})`;
      const matching = Prisma.sql`s.search_vector @@ ${tsquery}`;
      const search = async (visibility: typeof staff, cap: string | undefined) => {
        if (cap === undefined) delete process.env.WRK_SEARCH_CANDIDATES;
        else process.env.WRK_SEARCH_CANDIDATES = cap;
        // Core's answer given: the platform project is shown, the restricted one is not.
        const shownEntities = visibility.everything ? null : async (ids: string[]) => ids.filter((id) => id === DEMO.projects.platform);
        const page = await searchChunks(
          db,
          { query, first: 20, filter: {} },
          { chunk: visibility.searchChunk, shownEntities, boxItem: visibility.boxItem },
        );
        return page.totalCount;
      };
      const runs = {
        on: () => search(staff, configuredCap),
        uncapped: () => search(staff, UNCAPPED),
        off: () => search(admin, configuredCap),
        count: () => db.$queryRaw`SELECT count(*) FROM "files"."search_chunks" s WHERE ${matching}`,
        rank: () => db.$queryRaw`SELECT max(ts_rank(s.search_vector, ${tsquery})) FROM "files"."search_chunks" s WHERE ${matching}`,
      };
      const kinds = Object.keys(runs) as (keyof typeof runs)[];
      const times = Object.fromEntries(kinds.map((kind) => [kind, [] as number[]])) as Record<keyof typeof runs, number[]>;
      for (let run = 0; run < ROUNDS * 5; run++)
        for (let turn = 0; turn < kinds.length; turn++) {
          const kind = kinds[(run + turn) % kinds.length]!;
          times[kind].push(await time(runs[kind]));
        }
      lines.push(
        `| ${label} \`${query}\` | ${spread(times.on)} | ${spread(times.uncapped)} | ${spread(times.off)} | ${spread(times.count)} | ${spread(times.rank)} |`,
      );
    }
    return lines;
  } finally {
    if (configuredCap === undefined) delete process.env.WRK_SEARCH_CANDIDATES;
    else process.env.WRK_SEARCH_CANDIDATES = configuredCap;
    await db.$disconnect();
  }
}

/** EXPLAIN ANALYZE of the Box rule over all items and of the real ranking statement, reduced to the lines naming scans. */
async function explainPlans(databaseUrl: string): Promise<string[]> {
  const { filesVisibility } = await import('../../subgraphs/files/src/visibility.ts');
  const { rankingStatement, searchCandidates } = await import('../../subgraphs/files/src/search.ts');
  const { createFilesDb } = await import('../../subgraphs/files/src/db.ts');
  const { Prisma } = await import('../../subgraphs/files/src/__generated__/prisma/client.ts');
  const db = createFilesDb(databaseUrl);
  try {
    const visible = filesVisibility(STAFF);
    const ranking = (query: string) =>
      rankingStatement({
        tsquery: Prisma.sql`websearch_to_tsquery('english'::regconfig, ${query})`,
        visible: [visible.searchChunk],
        after: Prisma.sql`TRUE`,
        cap: searchCandidates(),
        take: 20,
      });
    const statements = {
      'count of the Box items staff may read (100k files)': Prisma.sql`SELECT count(*) FROM "files"."box_items" b WHERE ${visible.boxItem}`,
      'the ranking statement, medium word': ranking('term300'),
      'the ranking statement, frequent word (capped)': ranking('term5'),
    };
    const lines: string[] = [];
    for (const [label, statement] of Object.entries(statements)) {
      const plan = await db.$queryRaw<{ 'QUERY PLAN': string }[]>`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${statement}`;
      const scans = plan
        .map((row) => row['QUERY PLAN'].trim())
        .filter((line) => /Scan|Execution Time/.test(line))
        .map((line) => line.replace(/^->\s*/, '').replace(/\s*\(actual.*$/, ''));
      lines.push(`- ${label}: ${[...new Set(scans)].map((line) => `\`${line}\``).join('; ')}`);
    }
    return lines;
  } finally {
    await db.$disconnect();
  }
}

/** `pnpm bench:search`: the search section alone, replacing its part of results.md. */
if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  process.env.LOG_LEVEL ??= 'warn';
  process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);
  const { startTestStack } = await import('../support/stack.ts');
  const stack = await startTestStack(process.env.DATABASE_URL ? 'postgres' : 'embedded');
  try {
    const section = await searchBench(stack);
    console.log(section.join('\n'));
    const file = new URL('./results.md', import.meta.url);
    const current = readFileSync(file, 'utf8');
    const start = current.indexOf(SECTION);
    // Only this section: the sections after it (webhooks) stay.
    const next = start < 0 ? -1 : current.indexOf('\n## ', start + SECTION.length);
    const before = start < 0 ? current.trimEnd() : current.slice(0, start).trimEnd();
    const after = next < 0 ? '' : `\n${current.slice(next).trimStart()}`;
    writeFileSync(file, `${before}\n\n${section.join('\n')}${after}`);
  } finally {
    await stack.stop();
  }
}
