/**
 * `pnpm bench:ab <baseline checkout> [query…]`: this tree against another checkout of WRK (installed, same
 * migrations), side by side in one run. Each side is the production shape of `pnpm bench` (four subgraph processes
 * and WRK's gateway, all of that checkout's code) on one database migrated and seeded by this tree; the loads
 * alternate A B, B A, … over AB_ROUNDS (default 5) rounds of AB_SECONDS (default 3) s per query (default `list` and
 * `dashboard` of test/bench/queries.ts) at AB_CONNECTIONS (default 1). Reports per side the medians (min–max) of
 * req/s, p50 and CPU per request of the gateway, the subgraphs and Postgres, and the per-round ratios B ÷ A.
 * AB_NODE_ARGS (space-separated) gives side B's processes Node options: a V8 flag measured against the same code.
 * This is how a change's effect is measured: the baseline is the commit before it (a `git worktree`).
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);

const { freshDatabase } = await import('../support/databases.ts');
const { seedBenchFixture } = await import('./fixture.ts');
const { COMPARED_QUERIES, seedDashboard } = await import('./queries.ts');
const { startSubgraphFleet, startWrkGateway } = await import('./processes.ts');
const { adminToken, settle } = await import('./compare.ts');
const { postgresCpuMs } = await import('./procStats.ts');
const { median } = await import('./report.ts');
const { startStack } = await import('@wrk/app');
type LoadJob = import('./load.ts').LoadJob;
type LoadResult = import('./load.ts').LoadResult;

const [baseline, ...queryKeys] = process.argv.slice(2);
if (!baseline || !existsSync(`${baseline}/node_modules`)) throw new Error('usage: pnpm bench:ab <installed baseline checkout> [query…]');
const queries = COMPARED_QUERIES.filter((query) => (queryKeys.length ? queryKeys : ['list', 'dashboard']).includes(query.key));
const ROUNDS = Number(process.env.AB_ROUNDS ?? 5);
const SECONDS = Number(process.env.AB_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.AB_CONNECTIONS ?? 1);
const NODE_ARGS_B = (process.env.AB_NODE_ARGS ?? '').split(' ').filter(Boolean);

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  gateway: number;
  subgraphs: number;
  postgres: number;
  stack: number;
}
const FIELDS: (keyof Sample)[] = ['rps', 'p50', 'p99', 'gateway', 'subgraphs', 'postgres', 'stack'];

const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
const load = (job: LoadJob) =>
  new Promise<LoadResult>((resolve, reject) => {
    loader.once('message', (message: { result?: LoadResult; error?: string }) =>
      message.result ? resolve(message.result) : reject(new Error(message.error)),
    );
    loader.send(job);
  });

const database = await freshDatabase(process.env.DATABASE_URL ? 'postgres' : 'embedded');
const db = new pg.Pool({ connectionString: database.url, max: 1 });
const loadAtStart = loadavg();
try {
  await (await startStack({ databaseUrl: database.url, worker: false })).stop();
  await seedDashboard(database.url, await seedBenchFixture(database.url, 100));
  const sides = await Promise.all(
    [
      { label: `A (${baseline})`, root: baseline },
      { label: 'B (this tree)', root: undefined },
    ].map(async ({ label, root }) => {
      // AB_NODE_ARGS: Node options for side B's processes only (e.g. a V8 flag measured against the same code).
      const nodeArgs = () => (root === undefined ? NODE_ARGS_B : []);
      const fleet = await startSubgraphFleet(database.url, { root, nodeArgs });
      const gateway = await startWrkGateway(fleet, database.url, { root, nodeArgs });
      return { label, fleet, gateway, samples: new Map<string, Sample[]>() };
    }),
  );
  try {
    const token = await adminToken(database.url);
    const all = sides.flatMap((side) => [...side.fleet.processes, side.gateway]);
    for (let round = -1; round < ROUNDS; round++) {
      for (const query of queries) {
        for (const side of round % 2 ? [...sides].reverse() : sides) {
          const subgraphs = side.fleet.processes;
          const gatewayBefore = side.gateway.cpuMs();
          const subgraphsBefore = subgraphs.reduce((sum, p) => sum + p.cpuMs(), 0);
          const postgresBefore = await postgresCpuMs(db);
          const result = await load({
            url: `${side.gateway.url}/graphql`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: query.query }),
            connections: CONNECTIONS,
            seconds: round < 0 ? 1 : SECONDS,
          });
          await settle(all);
          if (result.failures) throw new Error(`${side.label} ${query.key}: ${result.failures} failed requests`);
          if (round < 0) continue;
          const per = (ms: number) => ms / result.sent;
          const gateway = per(side.gateway.cpuMs() - gatewayBefore);
          const subgraphCpu = per(subgraphs.reduce((sum, p) => sum + p.cpuMs(), 0) - subgraphsBefore);
          const postgres = per((await postgresCpuMs(db)) - postgresBefore);
          const samples = side.samples.get(query.key) ?? [];
          samples.push({ ...result, gateway, subgraphs: subgraphCpu, postgres, stack: gateway + subgraphCpu + postgres });
          side.samples.set(query.key, samples);
        }
      }
      process.stdout.write(`\rround ${round + 1}/${ROUNDS} done`);
    }
    process.stdout.write('\n');
    report(sides);
  } finally {
    await Promise.all(sides.flatMap((side) => [side.gateway.stop(), side.fleet.stop()]));
  }
} finally {
  await db.end();
  await database.release();
  loader.kill();
}

function report(sides: { label: string; samples: Map<string, Sample[]> }[]): void {
  const [a, b] = sides;
  if (!a || !b) return;
  const format = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  const spread = (values: number[]) => `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
  console.log(
    `\n${ROUNDS} rounds of ${SECONDS} s per side and query at c=${CONNECTIONS}, interleaved; load average ${loadAtStart[0]?.toFixed(1)} → ${loadavg()[0]?.toFixed(1)}. ` +
      'CPU in ms per request (gateway process; the four subgraph processes; Postgres; their sum = stack); latency in ms.',
  );
  console.log(`\n| query | side | ${FIELDS.join(' | ')} |\n|---|---|${FIELDS.map(() => '---|').join('')}`);
  for (const query of queries) {
    for (const side of sides) {
      const samples = side.samples.get(query.key) ?? [];
      console.log(`| ${query.key} | ${side.label} | ${FIELDS.map((field) => spread(samples.map((s) => s[field]))).join(' | ')} |`);
    }
    const as = a.samples.get(query.key) ?? [];
    const bs = b.samples.get(query.key) ?? [];
    const ratios = FIELDS.map((field) => spread(bs.map((s, i) => s[field] / (as[i]?.[field] ?? NaN))));
    console.log(`| ${query.key} | B ÷ A per round | ${ratios.join(' | ')} |`);
  }
}
