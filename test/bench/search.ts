/**
 * The search part of `pnpm bench` (also alone: `pnpm bench:search`, which replaces its section of results.md):
 * 100,000 chunks of 100,000 documents on 100,000 Box files in a four-level folder tree, `searchDocuments` through
 * the gateway at c=1, staff (the permission filter on: Box ACL through the closure, groups, the entity check)
 * interleaved request by request with an admin (no permission filter), over queries of different selectivity.
 * Then EXPLAIN ANALYZE of the permission-filtered statements, to show which indexes they use.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
      'VACUUM ANALYZE files.box_items, files.box_item_ancestors, files.box_collaborations, files.box_group_memberships, files.project_documents, files.kb_index',
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

const SEARCH = `query ($q: String!) { searchDocuments(query: $q, first: 20) { totalCount nodes { score snippet document { id } } } }`;
const ROUNDS = Number(process.env.SEARCH_ROUNDS ?? 4);

/** Measures and returns the report section (markdown lines). */
export async function searchBench(stack: TestStack): Promise<string[]> {
  const started = Date.now();
  await seedSearchFixture(stack.databaseUrl);
  const seeded = Date.now() - started;
  const withFilter = stack.as(await stack.token('staff@wrk.demo'));
  const without = stack.as(await stack.token('admin@wrk.demo'));
  const timed = async (query: string, headers: Record<string, string>) => {
    const start = performance.now();
    const result = await stack.graphql<{ searchDocuments: { totalCount: number; nodes: { score: number }[] } }>(
      SEARCH,
      { q: query },
      headers,
    );
    const elapsed = performance.now() - start;
    if (result.errors?.length || !result.data) throw new Error(`search failed: ${JSON.stringify(result.errors)}`);
    const scores = result.data.searchDocuments.nodes.map((node) => node.score);
    if (scores.some((score, index) => index > 0 && score > scores[index - 1]!)) throw new Error(`hits not best first: ${scores.join()}`);
    return { elapsed, total: result.data.searchDocuments.totalCount };
  };
  for (const { query } of QUERIES)
    for (let warm = 0; warm < 3; warm++) await Promise.all([timed(query, withFilter), timed(query, without)]);
  // Rounds over all the queries (so that a change of load hits every class), each a run of ON/OFF pairs
  // interleaved request by request, alternating which side goes first.
  const perQuery = QUERIES.map(() => ({ on: [] as number[], off: [] as number[], ratios: [] as number[], totals: { on: 0, off: 0 } }));
  const perRound = Math.max(1, Math.round(SAMPLES / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, { query }] of QUERIES.entries()) {
      const measured = perQuery[index]!;
      const on: number[] = [];
      const off: number[] = [];
      for (let sample = 0; sample < perRound; sample++) {
        const order = sample % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
        for (const side of order) {
          const { elapsed, total } = await timed(query, side === 'on' ? withFilter : without);
          (side === 'on' ? on : off).push(elapsed);
          measured.totals[side] = total;
        }
      }
      measured.on.push(...on);
      measured.off.push(...off);
      measured.ratios.push(median(on) / median(off));
    }
  }
  const rows = QUERIES.map(({ label, query }, index) => {
    const { on, off, ratios, totals } = perQuery[index]!;
    return (
      `| ${label} \`${query}\` | ${totals.on.toLocaleString('en')} | ${ms(median(on))} | ${ms(percentile(on, 95))} | ` +
      `${totals.off.toLocaleString('en')} | ${ms(median(off))} | ${ms(percentile(off, 95))} | ${spread(ratios, ratio)} |`
    );
  });
  const allOn = perQuery.flatMap((measured) => measured.on);
  const allOff = perQuery.flatMap((measured) => measured.off);
  const stages = await sqlStages(stack.databaseUrl);
  const plans = await explainPlans(stack.databaseUrl);
  const samples = perRound * ROUNDS;
  return [
    SECTION,
    '',
    `${FILES.toLocaleString('en')} Box files in a 4-level folder tree (1,111 folders; closure ${(FILES * 6).toLocaleString('en')}+ rows), one document and one ` +
      `40-word chunk each (seeded in ${Math.round(seeded / 1000)} s). \`searchDocuments(query:, first: 20)\` with totalCount and snippets, through ` +
      `the gateway, c=1, ${samples} samples per side per query in ${ROUNDS} rounds, **interleaved request by request** (A B B A …). ` +
      'Filter ON: staff, who reads ~35% of the files (a group on 3 of 10 top folders, direct collaborations on 50 deeper folders; ' +
      'pending/expired/uploader grants on 3 more that grant nothing) and not the 10% of documents of a restricted project — the Box ACL join, ' +
      'the group memberships and the entity check (one `_entities` call to core for the matching documents’ entities) all inside the request. ' +
      'Filter OFF: an admin, the same statement without any permission condition (and more rows to rank). Latencies in ms; the ratio is ' +
      'the median over the rounds of each round’s p50 ON ÷ p50 OFF (min–max over rounds).',
    '',
    '| Query | hits (filter ON) | ON p50 | ON p95 | hits (filter OFF) | OFF p50 | OFF p95 | p50 ON ÷ OFF, median (min–max) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    `| **all queries** | | **${ms(median(allOn))}** | **${ms(percentile(allOn, 95))}** | | **${ms(median(allOff))}** | **${ms(percentile(allOff, 95))}** | ${ratio(median(allOn) / median(allOff))} |`,
    '',
    ...stages,
    '',
    'Plans of the permission-filtered statements (EXPLAIN ANALYZE, staff, the medium query), index use only:',
    '',
    ...plans,
    '',
  ];
}

/** The claims of the bench's two callers, as the files subgraph sees them. */
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
 * Where the time goes, without the gateway: the files subgraph's own statements for one request, run directly
 * (the same `searchChunks` and visibility code), interleaved ON/OFF, per query class. The rest of a request's
 * time is HTTP, the gateway's plan and the `_entities` round trip to core.
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
  try {
    const staff = filesVisibility(STAFF);
    const admin = filesVisibility(ADMIN);
    const lines = [
      `Time per stage in the files subgraph alone (direct statements, no HTTP; median (min–max) of ${ROUNDS * 5} interleaved runs, ms). ` +
        '*Entities*: the statement listing the entities of matching documents (core is then asked about them, once per distinct entity: ' +
        'here 2). *Search*: the ranked, counted, permission-filtered page with snippets (core’s answer given). *Match + count*: the ' +
        'match alone (`count(*)` of the GIN match, no join, no rank): the floor of any exact totalCount. *Rank*: the same with `max(ts_rank)`.',
      '',
      '| Query | Entities (ON) | Search ON | Search OFF | Match + count | Rank |',
      '|---|---|---|---|---|---|',
    ];
    for (const { label, query } of QUERIES) {
      const tsquery = Prisma.sql`websearch_to_tsquery('english'::regconfig, ${query})`;
      const matching = Prisma.sql`(k.archived_at IS NULL AND k.search_vector @@ ${tsquery})`;
      const entities = () => db.$queryRaw`
        SELECT DISTINCT d.entity_id FROM "files"."kb_index" k JOIN "files"."project_documents" d ON d.id = k.document_id
        WHERE d.entity_id IS NOT NULL AND d.archived_at IS NULL AND ${matching}`;
      const search = async (visibility: typeof staff) => {
        // Core's answer given: the platform project is shown, the restricted one is not.
        const shownEntities = visibility.everything ? null : async (ids: string[]) => ids.filter((id) => id === DEMO.projects.platform);
        const page = await searchChunks(
          db,
          { query, first: 20, filter: {} },
          { chunk: visibility.chunk, shownEntities, boxItem: visibility.boxItem },
        );
        return page.totalCount;
      };
      const times = { entities: [] as number[], on: [] as number[], off: [] as number[], count: [] as number[], rank: [] as number[] };
      for (let run = 0; run < ROUNDS * 5; run++) {
        times.entities.push(await time(entities));
        const order = run % 2 === 0 ? ([staff, admin] as const) : ([admin, staff] as const);
        for (const visibility of order) (visibility === staff ? times.on : times.off).push(await time(() => search(visibility)));
        times.count.push(await time(() => db.$queryRaw`SELECT count(*) FROM "files"."kb_index" k WHERE ${matching}`));
        times.rank.push(
          await time(() => db.$queryRaw`SELECT max(ts_rank(k.search_vector, ${tsquery})) FROM "files"."kb_index" k WHERE ${matching}`),
        );
      }
      lines.push(
        `| ${label} \`${query}\` | ${spread(times.entities)} | ${spread(times.on)} | ${spread(times.off)} | ${spread(times.count)} | ${spread(times.rank)} |`,
      );
    }
    return lines;
  } finally {
    await db.$disconnect();
  }
}

/** EXPLAIN ANALYZE of the Box rule over all items and of the filtered search, reduced to the lines naming scans. */
async function explainPlans(databaseUrl: string): Promise<string[]> {
  const { filesVisibility } = await import('../../subgraphs/files/src/visibility.ts');
  const { CHUNKS } = await import('../../subgraphs/files/src/reads.ts');
  const { createFilesDb } = await import('../../subgraphs/files/src/db.ts');
  const { Prisma } = await import('../../subgraphs/files/src/__generated__/prisma/client.ts');
  const db = createFilesDb(databaseUrl);
  try {
    const visible = filesVisibility(STAFF);
    const tsquery = Prisma.sql`websearch_to_tsquery('english'::regconfig, ${'term300'})`;
    const statements = {
      'count of the Box items staff may read (100k files)': Prisma.sql`SELECT count(*) FROM "files"."box_items" b WHERE ${visible.boxItem}`,
      'one page of the search, ranked': Prisma.sql`SELECT ${CHUNKS.columns}, ts_rank(k.search_vector, ${tsquery}) AS score FROM ${CHUNKS.from}
        WHERE k.archived_at IS NULL AND k.search_vector @@ ${tsquery} AND ${visible.chunk} AND ${visible.entityIn([DEMO.projects.platform])}
        ORDER BY score DESC, k.id LIMIT 21`,
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
    const kept = start < 0 ? current.trimEnd() : current.slice(0, start).trimEnd();
    writeFileSync(file, `${kept}\n\n${section.join('\n')}`);
  } finally {
    await stack.stop();
  }
}
