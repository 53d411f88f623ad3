/**
 * `pnpm bench`: the whole stack in this process on a fresh database (a scratch database on DATABASE_URL's server,
 * or an embedded Postgres), the bench fixture seeded (test/bench/fixture.ts), then a closed-model load from a
 * separate process (test/bench/load.ts) on loopback, every scenario measured side by side in one run:
 *  (a) a simple single-subgraph query sent straight to core (with correctly signed claims) vs through the gateway;
 *  (b) the nested cross-subgraph contracts query at list size 10 vs 100;
 *  (c) SQL statements, Prisma calls, gateway → subgraph fetches and HTTP requests per request of each;
 *  (d) the gateway's keep-alive subgraph connections vs a new connection per subgraph request;
 *  (e) the time to refuse `nodes(ids:)` with 20,000 IDs (over the list limit), and `{ me { id } }` latency at c=1 alone
 *      vs while a second load process sends such oversized requests (6 connections, bounded count), in ME_ROUNDS
 *      (default 4) interleaved rounds A B A B;
 *  (f) searchDocuments over 100,000 chunks with the permission filter on vs off, interleaved (test/bench/search.ts).
 *  (g) Box webhook deliveries accepted per second under 5× replay, through the gateway and straight to files
 *      (test/bench/webhooks.ts).
 * Each load runs c=1 (latency) and c=32 (throughput) for BENCH_SECONDS (default 3) seconds, and the scenarios are
 * run BENCH_ROUNDS (default 3) times interleaved; medians are reported. With 2+ CPUs the stack is pinned to CPU 1
 * and the load generator to CPU 0 (BENCH_PIN=0 to leave them free); Postgres is not pinned.
 * Prints a markdown table and writes it to test/bench/results.md.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { Claims } from '@wrk/platform';

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
const { CONTRACTS_QUERY, idle, requestsReceived, seedBenchFixture, workOf } = await import('./fixture.ts');
const { subgraphKeepAlive } = await import('../support/instrumentation.ts');
const { searchBench } = await import('./search.ts');
const { CLAIMS_HEADER, signClaims } = await import('@wrk/platform');
const { startGateway } = await import('@wrk/gateway/server');
const { committedSupergraph } = await import('@wrk/gateway/compose');
const { rateLimitsFromEnv } = await import('@wrk/gateway/rateLimit');
const { benchBoxWebhooks } = await import('./webhooks.ts');
type LoadJob = import('./load.ts').LoadJob;
type LoadResult = import('./load.ts').LoadResult;
type Work = import('./fixture.ts').Work;

const started = Date.now();
const kind = process.env.DATABASE_URL ? 'postgres' : 'embedded';
console.log(`Starting the stack on ${kind} Postgres…`);
const stack = await startTestStack(kind, { worker: false });
const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
// A second load generator: the oversized requests sent while `{ me { id } }` is measured.
const attacker = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });

try {
  const fixture = await seedBenchFixture(stack.databaseUrl, 100);
  const token = await stack.token('admin@wrk.demo');

  // The claims the gateway would forward for this token, from identity's session endpoint (as the gateway asks).
  const identity = stack.subgraphUrls.identity.replace(/\/graphql$/, '');
  const systemClaims = { kind: 'system' as const, agent: 'gateway', scopes: [], teams: [], requestId: 'bench' };
  const session = await fetch(`${identity}/internal/session`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, 'identity', { token, requestId: 'bench' }, systemClaims),
    },
    body: JSON.stringify({ token, requestId: 'bench' }),
  });
  if (!session.ok) throw new Error(`identity answered ${session.status} to the session lookup`);
  // The session endpoint answers with the claims the gateway forwards (the gateway reads it the same way).
  const claims = (await session.json()) as Claims;

  const SIMPLE = `query Simple($id: ID!) { contract(id: $id) { id title status } }`;
  interface Scenario {
    key: string;
    label: string;
    url: string;
    /** Headers per job: signed claims expire after seconds, so they are signed again for each load. */
    headers(): Promise<Record<string, string>>;
    body: string;
    rows(data: Record<string, unknown>): number;
    expectedRows: number;
    keepAlive: boolean;
  }
  const viaGateway = async () => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
  const simpleBody = JSON.stringify({ query: SIMPLE, variables: { id: fixture.contractIds[0] } });
  const directToCore = async () => ({
    'content-type': 'application/json',
    [CLAIMS_HEADER]: signClaims(stack.keyrings.gateway, 'core', JSON.parse(simpleBody), claims),
  });
  const nested = (n: number) => JSON.stringify({ query: CONTRACTS_QUERY, variables: { n } });
  const one = (data: Record<string, unknown>) => (data.contract ? 1 : 0);
  const contracts = (data: Record<string, unknown>) => (data.contracts as { nodes: unknown[] }).nodes.length;
  const scenarios: Scenario[] = [
    {
      key: 'direct',
      label: 'simple `contract(id:)`, direct to core',
      url: stack.subgraphUrls.core,
      headers: directToCore,
      body: simpleBody,
      rows: one,
      expectedRows: 1,
      keepAlive: true,
    },
    {
      key: 'gateway',
      label: 'simple `contract(id:)`, through the gateway',
      url: stack.gatewayUrl,
      headers: viaGateway,
      body: simpleBody,
      rows: one,
      expectedRows: 1,
      keepAlive: true,
    },
    {
      key: 'nested10',
      label: 'nested contracts, n=10, through the gateway',
      url: stack.gatewayUrl,
      headers: viaGateway,
      body: nested(10),
      rows: contracts,
      expectedRows: 10,
      keepAlive: true,
    },
    {
      key: 'nested100',
      label: 'nested contracts, n=100, through the gateway',
      url: stack.gatewayUrl,
      headers: viaGateway,
      body: nested(100),
      rows: contracts,
      expectedRows: 100,
      keepAlive: true,
    },
    {
      key: 'gatewayNoKA',
      label: 'simple, through the gateway, subgraph keep-alive OFF',
      url: stack.gatewayUrl,
      headers: viaGateway,
      body: simpleBody,
      rows: one,
      expectedRows: 1,
      keepAlive: false,
    },
    {
      key: 'nested10NoKA',
      label: 'nested contracts, n=10, subgraph keep-alive OFF',
      url: stack.gatewayUrl,
      headers: viaGateway,
      body: nested(10),
      rows: contracts,
      expectedRows: 10,
      keepAlive: false,
    },
  ];

  const send = async (scenario: Scenario) => {
    const response = await fetch(scenario.url, { method: 'POST', headers: await scenario.headers(), body: scenario.body });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  // Correctness, warm-up (query plans, loaders' code paths, connections) and the work of one request.
  const work: Record<string, Work> = {};
  for (const scenario of scenarios) {
    subgraphKeepAlive.enabled = scenario.keepAlive;
    for (let i = 0; i < 20; i++) await send(scenario);
    const { result, work: measured } = await workOf(() => send(scenario));
    if (result.errors || !result.data || scenario.rows(result.data) !== scenario.expectedRows) {
      throw new Error(`${scenario.label}: unexpected answer ${JSON.stringify(result).slice(0, 500)}`);
    }
    work[scenario.key] = measured;
  }
  subgraphKeepAlive.enabled = true;

  if (PIN) {
    pin(process.pid, 1);
    pin(loader.pid!, 0);
    pin(attacker.pid!, 0);
  }
  const load = (job: LoadJob) => ask(loader, job);

  interface Sample extends LoadResult {
    cpuMsPerRequest: number;
  }
  const samples: Record<string, { c1: Sample[]; c32: Sample[] }> = Object.fromEntries(scenarios.map((s) => [s.key, { c1: [], c32: [] }]));
  const total = ROUNDS * scenarios.length * 2;
  let done = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order from round to round, so that drift on a shared machine does not favour one side.
    const order = round % 2 ? [...scenarios].reverse() : scenarios;
    for (const scenario of order) {
      subgraphKeepAlive.enabled = scenario.keepAlive;
      for (const connections of [1, 32] as const) {
        const port = Number(new URL(scenario.url).port);
        const received = requestsReceived(port);
        const cpu = process.cpuUsage();
        const result = await load({
          url: scenario.url,
          headers: await scenario.headers(),
          body: scenario.body,
          connections,
          seconds: SECONDS,
        });
        // The requests still in flight when the load stopped are processed to the end: their CPU time is
        // counted, and so are they (per request received, not per answer the load generator read).
        await idle();
        const used = process.cpuUsage(cpu);
        const handled = requestsReceived(port) - received;
        if (process.env.BENCH_DEBUG) console.log(scenario.key, connections, result);
        if (result.failures) throw new Error(`${scenario.label} at c=${connections}: ${result.failures} failed requests`);
        samples[scenario.key]![connections === 1 ? 'c1' : 'c32'].push({
          ...result,
          cpuMsPerRequest: (used.user + used.system) / 1000 / handled,
        });
        done += 1;
        process.stdout.write(`\r${done}/${total} loads done`);
      }
    }
    subgraphKeepAlive.enabled = true;
  }
  process.stdout.write('\n');

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const stat = (key: string, c: 'c1' | 'c32', field: keyof Sample) => median(samples[key]![c].map((s) => s[field]));
  // A load that got no answer at all has no percentiles (NaN, null once through IPC).
  const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));
  const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

  const rows = scenarios.map((s) => {
    const w = work[s.key]!;
    return `| ${s.label} | ${ms(stat(s.key, 'c1', 'p50'))} | ${ms(stat(s.key, 'c1', 'p99'))} | ${Math.round(stat(s.key, 'c1', 'rps'))} | ${Math.round(stat(s.key, 'c32', 'rps'))} | ${ms(stat(s.key, 'c32', 'p50'))} | ${ms(stat(s.key, 'c32', 'p95'))} | ${ms(stat(s.key, 'c32', 'cpuMsPerRequest'))} | ${w.sql} | ${w.prisma} | ${w.fetches} | ${w.http} |`;
  });
  const ratio = (a: string, b: string, c: 'c1' | 'c32', field: keyof Sample) => stat(a, c, field) / stat(b, c, field);
  const ratios = [
    `| Gateway overhead, p50 at c=1: gateway ÷ direct | ${x(ratio('gateway', 'direct', 'c1', 'p50'))} |`,
    `| Gateway overhead, RPS at c=32: gateway ÷ direct | ${x(ratio('gateway', 'direct', 'c32', 'rps'))} |`,
    `| Nested n=100 ÷ n=10, p50 at c=1 | ${x(ratio('nested100', 'nested10', 'c1', 'p50'))} |`,
    `| Nested n=100 ÷ n=10, RPS at c=32 | ${x(ratio('nested100', 'nested10', 'c32', 'rps'))} |`,
    `| Nested n=100 ÷ n=10, stack CPU ms per request | ${x(ratio('nested100', 'nested10', 'c32', 'cpuMsPerRequest'))} |`,
    `| Keep-alive on ÷ off, simple, RPS at c=32 | ${x(ratio('gateway', 'gatewayNoKA', 'c32', 'rps'))} |`,
    `| Keep-alive on ÷ off, simple, p50 at c=1 | ${x(ratio('gateway', 'gatewayNoKA', 'c1', 'p50'))} |`,
    `| Keep-alive on ÷ off, nested n=10, RPS at c=32 | ${x(ratio('nested10', 'nested10NoKA', 'c32', 'rps'))} |`,
    `| Keep-alive on ÷ off, nested n=10, p50 at c=1 | ${x(ratio('nested10', 'nested10NoKA', 'c1', 'p50'))} |`,
  ];
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
  // (f) Box webhook deliveries accepted per second under 5× replay, through the gateway and straight to files.
  const keys = stack.boxWebhookKeys;
  if (!keys) throw new Error('the stack has no Box webhook keys');
  const webhookReport = await benchBoxWebhooks(
    { gatewayUrl: stack.gatewayUrl, filesUrl: stack.subgraphUrls.files, databaseUrl: stack.databaseUrl, keys },
    load,
    { rounds: ROUNDS, seconds: SECONDS, idle },
  );

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    `# pnpm bench — ${new Date().toISOString()}`,
    '',
    `Node ${process.version}, ${CPUS} × ${cpuModel}; ${kind} Postgres; the whole stack (gateway + 4 subgraphs) in one Node process` +
      `${PIN ? ' pinned to CPU 1, the load generator (autocannon 9, closed model, loopback) pinned to CPU 0, Postgres unpinned' : ', nothing pinned'}. ` +
      `Each load ran ${SECONDS} s; ${ROUNDS} interleaved rounds, medians shown. Latencies in ms. ` +
      'Work per request is one request measured in-process after warm-up: SQL statements (Prisma query events), Prisma calls, ' +
      'gateway → subgraph fetches, and HTTP requests received by all servers (1 to the gateway + the fetches (the session is cached: no lookup at identity) + subgraph → subgraph checks; 1 when direct). ' +
      'Stack CPU is this process’s user+system time during the c=32 load (and until its last request is done) ÷ the requests it received (Postgres not included).',
    '',
    '| Scenario | c=1 p50 | c=1 p99 | c=1 RPS | c=32 RPS | c=32 p50 | c=32 p95 | stack CPU ms/req | SQL/req | Prisma calls/req | subgraph fetches/req | HTTP reqs/req |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| Ratio | Value |',
    '|---|---|',
    ...ratios,
    '',
    `Per-round c=32 RPS: ${scenarios.map((s) => `${s.key} ${samples[s.key]!.c32.map((r) => Math.round(r.rps)).join('/')}`).join('; ')}.`,
    `Per-round c=1 p50 (ms): ${scenarios.map((s) => `${s.key} ${samples[s.key]!.c1.map((r) => ms(r.p50)).join('/')}`).join('; ')}.`,
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
  console.log(`Written to ${RESULTS_FILE.pathname}`);
} finally {
  await idle();
  loader.disconnect();
  attacker.disconnect();
  await stack.stop();
}

function ask(child: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: LoadResult; error?: string }) =>
      message.result ? resolve(message.result) : reject(new Error(message.error)),
    );
    child.send(job);
  });
}
