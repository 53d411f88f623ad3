/**
 * `pnpm bench`, in two parts on fresh databases (a scratch database on DATABASE_URL's server, or an embedded Postgres),
 * each seeded with the demo data, the bench fixture (test/bench/fixture.ts) and the dashboard's rows (queries.ts):
 *  1. the gateway comparison in the production shape (test/bench/compare.ts): the four subgraphs as separate
 *     processes, WRK's gateway and Hive Gateway one process each, and direct subgraph calls, over the operations of
 *     test/bench/queries.ts at 1 and 16 connections, the sides interleaved in BENCH_ROUNDS (default 3) rounds of
 *     BENCH_SECONDS (default 3) s, from a load process of its own (test/bench/load.ts);
 *  2. on a stack in this process: SQL statements and subgraph requests per request of each operation and side
 *     (test/bench/work.ts); the time to refuse `nodes(ids:)` with 20,000 IDs and `{ me { id } }` latency at c=1
 *     alone vs while a second load process sends such oversized requests, in ME_ROUNDS (default 4) interleaved
 *     rounds; searchDocuments over 100,000 chunks with the permission filter on vs off (test/bench/search.ts); and,
 *     on its database, Box webhook deliveries under 5× replay to a gateway and a files subgraph each in a process
 *     of its own, as deployed (test/bench/webhooks.ts).
 * With 2+ CPUs the servers are pinned to CPU 1 and the load generators to CPU 0 (BENCH_PIN=0 to leave them free);
 * Postgres is not pinned. Writes test/bench/results.md and test/bench/results.json.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
// The bench is one token sending thousands of requests a second: rate limits would measure themselves.
process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ME_ROUNDS = Number(process.env.ME_ROUNDS ?? 4);
const OVERSIZED_IDS = 20_000;
const OVERSIZED_CONNECTIONS = 6;
const CPUS = availableParallelism();
const PIN = process.env.BENCH_PIN !== '0' && CPUS >= 2 && hasTaskset();
const RESULTS_FILE = new URL('./results.md', import.meta.url);
const RESULTS_JSON = new URL('./results.json', import.meta.url);

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pin = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });

// Imported after the environment is set: the gateway reads APOLLO_TELEMETRY_DISABLED when it loads.
const { startTestStack } = await import('../support/stack.ts');
const { freshDatabase } = await import('../support/databases.ts');
const { idle, seedBenchFixture } = await import('./fixture.ts');
const { seedDashboard } = await import('./queries.ts');
const { compareGateways, sessionClaims } = await import('./compare.ts');
const { measureWork } = await import('./work.ts');
const { comparisonRatios, comparisonReport, median } = await import('./report.ts');
const { startHive } = await import('./hive.ts');
const { searchBench } = await import('./search.ts');
const { startStack } = await import('@wrk/app');
const { startGateway } = await import('@wrk/gateway/server');
const { committedSupergraph } = await import('@wrk/gateway/compose');
const { rateLimitsFromEnv } = await import('@wrk/gateway/rateLimit');
const { productionWebhookBench } = await import('./webhooks.ts');
type LoadJob = import('./load.ts').LoadJob;
type LoadResult = import('./load.ts').LoadResult;
type AlternatingJob = import('./load.ts').AlternatingJob;
type AlternatingResult = import('./load.ts').AlternatingResult;

const started = Date.now();
const loadAtStart = loadavg();
const kind = process.env.DATABASE_URL ? 'postgres' : 'embedded';
const progress = (text: string) => process.stdout.write(text);
const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
// A second load generator: the oversized requests sent while `{ me { id } }` is measured.
const attacker = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
const load = (job: LoadJob) => ask(loader, job);
const alternate = (job: AlternatingJob) => ask(loader, job);
const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));

// 1. The gateways compared, every server a process of its own.
console.log(`Part 1: the production shape on ${kind} Postgres…`);
const productionDb = await freshDatabase(kind);
let comparison: Awaited<ReturnType<typeof compareGateways>>;
try {
  // Migrations and demo data, as a deployment's release step would apply them.
  await (await startStack({ databaseUrl: productionDb.url, worker: false })).stop();
  await seedDashboard(productionDb.url, await seedBenchFixture(productionDb.url, 100));
  comparison = await compareGateways({
    databaseUrl: productionDb.url,
    load,
    alternate,
    loaderPid: loader.pid ?? 0,
    pin: PIN,
    rounds: ROUNDS,
    seconds: SECONDS,
    startHive,
    progress,
  });
} finally {
  await productionDb.release();
}
const ratios = comparisonRatios(comparison);

// 2. The rest on a stack in this process.
console.log(`Part 2: the stack in this process on ${kind} Postgres…`);
const stack = await startTestStack(kind, { worker: false });
try {
  await seedDashboard(stack.databaseUrl, await seedBenchFixture(stack.databaseUrl, 100));
  const token = await stack.token('admin@wrk.demo');
  const claims = await sessionClaims(stack.subgraphUrls.identity, stack.keyrings.gateway, token);
  const work = await measureWork(stack, claims, startHive);
  if (PIN) {
    pin(process.pid, 1);
    pin(attacker.pid ?? 0, 0);
  }
  // (e) Oversized requests: refused before any work, and no slower for everyone else while they arrive.
  const oversized = JSON.stringify({
    query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    variables: { ids: Array.from({ length: OVERSIZED_IDS }, (_, i) => `ctr_${String(i).padStart(20, '0')}`) },
  });
  // A gateway with the default rate limits (the stack's own has them off for the scenarios above), and two callers:
  // one asking `me` at a steady rate within its token's limit, one flooding with its own token.
  const guarded = await startGateway({
    supergraphSdl: committedSupergraph(),
    subgraphUrls: stack.subgraphUrls,
    keyring: stack.keyrings.gateway,
    databaseUrl: stack.databaseUrl,
    rateLimits: rateLimitsFromEnv({}),
  });
  const ME_RATE = 15;
  const meToken = await stack.token('staff@wrk.demo');
  const meJob = async (): Promise<LoadJob> => ({
    url: guarded.url,
    headers: { 'content-type': 'application/json', ...stack.as(meToken) },
    body: JSON.stringify({ query: '{ me { id } }' }),
    connections: 1,
    seconds: SECONDS,
    rate: ME_RATE,
  });
  // Refused whatever it reaches first: the body limit (413) here; the list limit (400) or the token's rate (429) for smaller ones.
  const oversizedJob = async (connections: number, maxRequests: number, token: string): Promise<LoadJob> => ({
    url: guarded.url,
    headers: { 'content-type': 'application/json', ...stack.as(token) },
    body: oversized,
    connections,
    seconds: SECONDS,
    maxRequests,
    expectedStatuses: [400, 413, 429],
  });
  const refusals: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) refusals.push(await load(await oversizedJob(1, 2_000, await stack.token('admin@wrk.demo'))));
  const flooder = await stack.token('admin@wrk.demo');
  const alone: LoadResult[] = [];
  const underAttack: LoadResult[] = [];
  const attacks: LoadResult[] = [];
  for (let round = 0; round < ME_ROUNDS; round++) {
    alone.push(await load(await meJob()));
    await idle();
    const [measured, attack] = await Promise.all([
      load(await meJob()),
      ask(attacker, await oversizedJob(OVERSIZED_CONNECTIONS, 2_000, flooder)),
    ]);
    underAttack.push(measured);
    attacks.push(attack);
    await idle();
    process.stdout.write(`\r${round + 1}/${ME_ROUNDS} me rounds done`);
  }
  process.stdout.write('\n');
  await guarded.stop();
  for (const result of [...refusals, ...alone, ...underAttack, ...attacks]) {
    if (result.failures) throw new Error(`oversized scenario: ${result.failures} unexpected answers`);
  }
  const p50s = (results: LoadResult[]) => results.map((r) => r.p50);
  const range = (values: number[]) => `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
  const oversizedReport = [
    `## Oversized requests: \`nodes(ids:)\` with ${OVERSIZED_IDS.toLocaleString('en')} IDs`,
    '',
    `Refusal (413: the body is over the gateway's limit, refused from its Content-Length before the token is checked), c=1, ${ROUNDS} rounds of ${SECONDS} s: p50 ${ms(median(refusals.map((r) => r.p50)))} ms, ` +
      `p99 ${ms(median(refusals.map((r) => r.p99)))} ms (per round p50 ${refusals.map((r) => ms(r.p50)).join('/')}).`,
    '',
    `\`{ me { id } }\` through a gateway with the default rate limits, ${ME_RATE} requests a second (one token, within its limit), ` +
      `${ME_ROUNDS} interleaved rounds (A B A B …) of ${SECONDS} s; B with a second load process sending the oversized request with another ` +
      `token on ${OVERSIZED_CONNECTIONS} connections at the same time (at most 2,000 per round, loopback).`,
    '',
    '| `{ me { id } }` | p50 (median of rounds) | p50 min–max | p99 (median) | RPS (median) | oversized requests refused meanwhile (median) | their p50 |',
    '|---|---|---|---|---|---|---|',
    `| A: alone | ${ms(median(p50s(alone)))} | ${range(p50s(alone))} | ${ms(median(alone.map((r) => r.p99)))} | ${Math.round(median(alone.map((r) => r.rps)))} | — | — |`,
    `| B: with oversized requests | ${ms(median(p50s(underAttack)))} | ${range(p50s(underAttack))} | ${ms(median(underAttack.map((r) => r.p99)))} | ${Math.round(median(underAttack.map((r) => r.rps)))} | ${Math.round(median(attacks.map((r) => r.requests)))} | ${ms(median(p50s(attacks)))} |`,
    '',
    `Per-round p50 (ms): A ${p50s(alone).map(ms).join('/')}; B ${p50s(underAttack).map(ms).join('/')}.`,
  ];

  const searchReport = await searchBench(stack);
  // (f) Box webhook deliveries accepted per second under 5× replay, through the gateway and straight to files, each
  // a process of its own as deployed.
  const webhookReport = await productionWebhookBench(stack.databaseUrl, load, { rounds: ROUNDS, seconds: SECONDS });

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    `# pnpm bench — ${new Date().toISOString()}`,
    '',
    `Node ${process.version}, ${CPUS} × ${cpuModel}; ${kind} Postgres. 1-minute load average of the machine at the start ${loadAtStart[0]?.toFixed(1)}, ` +
      `at the end ${loadavg()[0]?.toFixed(1)} (2 cores shared with other work: numbers are noisy, ratios of sides measured side by side less so).`,
    '',
    ...comparisonReport(comparison, work, ratios),
    '',
    ...oversizedReport,
    '',
    ...searchReport,
    ...webhookReport,
    '',
    `Total run time ${Math.round((Date.now() - started) / 1000)} s.`,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  writeFileSync(RESULTS_FILE, report);
  writeFileSync(
    RESULTS_JSON,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: CPUS,
        cpuModel,
        postgres: kind,
        loadAverage: { start: loadAtStart, end: loadavg() },
        comparison,
        ratios,
        work,
        seconds: Math.round((Date.now() - started) / 1000),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Written to ${RESULTS_FILE.pathname} and ${RESULTS_JSON.pathname}`);
} finally {
  await idle();
  loader.disconnect();
  attacker.disconnect();
  await stack.stop();
}

function ask<Job extends LoadJob | AlternatingJob, Result = Job extends LoadJob ? LoadResult : AlternatingResult[]>(
  child: ChildProcess,
  job: Job,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: Result; error?: string }) =>
      message.result ? resolve(message.result) : reject(new Error(message.error)),
    );
    child.send(job);
  });
}
