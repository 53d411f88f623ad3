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
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

const SEARCH = `query ($q: String!) { searchDocuments(query: $q, first: 20) { totalCount nodes { score snippet document { id } } } }`;

/** Measures and returns the report section (markdown lines). */
export async function searchBench(stack: TestStack): Promise<string[]> {
  const started = Date.now();
  await seedSearchFixture(stack.databaseUrl);
  const seeded = Date.now() - started;
  const withFilter = stack.as(await stack.token('staff@wrk.demo'));
  const without = stack.as(await stack.token('admin@wrk.demo'));
  const timed = async (query: string, headers: Record<string, string>) => {
    const start = performance.now();
    const result = await stack.graphql<{ searchDocuments: { totalCount: number } }>(SEARCH, { q: query }, headers);
    const elapsed = performance.now() - start;
    if (result.errors?.length || !result.data) throw new Error(`search failed: ${JSON.stringify(result.errors)}`);
    return { elapsed, total: result.data.searchDocuments.totalCount };
  };
  const rows: string[] = [];
  const all = { on: [] as number[], off: [] as number[] };
  for (const { label, query } of QUERIES) {
    for (let warm = 0; warm < 3; warm++) await Promise.all([timed(query, withFilter), timed(query, without)]);
    const on: number[] = [];
    const off: number[] = [];
    let totals = { on: 0, off: 0 };
    for (let sample = 0; sample < SAMPLES; sample++) {
      // Interleaved, alternating which goes first.
      const order = sample % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const side of order) {
        const { elapsed, total } = await timed(query, side === 'on' ? withFilter : without);
        (side === 'on' ? on : off).push(elapsed);
        totals = { ...totals, [side]: total };
      }
    }
    all.on.push(...on);
    all.off.push(...off);
    rows.push(
      `| ${label} \`${query}\` | ${totals.on.toLocaleString('en')} | ${ms(percentile(on, 50))} | ${ms(percentile(on, 95))} | ` +
        `${totals.off.toLocaleString('en')} | ${ms(percentile(off, 50))} | ${ms(percentile(off, 95))} | ${(percentile(on, 50) / percentile(off, 50)).toFixed(2)}× |`,
    );
  }
  const plans = await explainPlans(stack.databaseUrl);
  return [
    SECTION,
    '',
    `${FILES.toLocaleString('en')} Box files in a 4-level folder tree (1,111 folders; closure ${(FILES * 6).toLocaleString('en')}+ rows), one document and one ` +
      `40-word chunk each (seeded in ${Math.round(seeded / 1000)} s). \`searchDocuments(query:, first: 20)\` with totalCount and snippets, through ` +
      `the gateway, c=1, ${SAMPLES} samples per side per query, **interleaved request by request** (alternating which side goes first). ` +
      'Filter ON: staff, who reads ~35% of the files (a group on 3 of 10 top folders, direct collaborations on 50 deeper folders; ' +
      'pending/expired/uploader grants on 3 more that grant nothing) and not the 10% of documents of a restricted project — the Box ACL join, ' +
      'the group memberships and the entity check (one `_entities` call to core for the matching documents’ entities) all inside the request. ' +
      'Filter OFF: an admin, the same statement without any permission condition (and more rows to rank). Latencies in ms.',
    '',
    '| Query | hits (filter ON) | ON p50 | ON p95 | hits (filter OFF) | OFF p50 | OFF p95 | p50 ON ÷ OFF |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    `| **all queries** | | **${ms(percentile(all.on, 50))}** | **${ms(percentile(all.on, 95))}** | | **${ms(percentile(all.off, 50))}** | **${ms(percentile(all.off, 95))}** | ${(percentile(all.on, 50) / percentile(all.off, 50)).toFixed(2)}× |`,
    '',
    'Interleaving makes the ON ÷ OFF ratio the meaningful figure when the machine is shared: both sides see the same load.',
    '',
    'Plans of the permission-filtered statements (EXPLAIN ANALYZE, staff, the medium query), index use only:',
    '',
    ...plans,
    '',
  ];
}

/** EXPLAIN ANALYZE of the Box rule over all items and of the filtered search, reduced to the lines naming scans. */
async function explainPlans(databaseUrl: string): Promise<string[]> {
  const { filesVisibility } = await import('../../subgraphs/files/src/visibility.ts');
  const { CHUNKS } = await import('../../subgraphs/files/src/reads.ts');
  const { createFilesDb } = await import('../../subgraphs/files/src/db.ts');
  const { Prisma } = await import('../../subgraphs/files/src/__generated__/prisma/client.ts');
  const db = createFilesDb(databaseUrl);
  try {
    const visible = filesVisibility({
      kind: 'staff',
      role: 'staff',
      sub: DEMO.users.staff,
      accounts: { box: '1002' },
      teams: [],
      scopes: [],
      requestId: 'bench',
    });
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
