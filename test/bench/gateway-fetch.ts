/**
 * The gateway's subgraph path side by side (issue 14, item 3): gateways on one stack, interleaved (A B C, then
 * C B A, …), each query at 1 and 16 connections, medians with min–max of req/s and p50, and of the whole process's
 * CPU per request. Gateways:
 * - `base`: the gateway of another checkout (BASE_GATEWAY=<its gateway/src/server.ts>, e.g. an earlier commit
 *   copied out with `git archive`), when set;
 * - `request`: this gateway with entity batching off (WRK_ENTITY_BATCHING=false);
 * - `batched`: this gateway as it runs.
 *
 * Usage: `tsx test/bench/gateway-fetch.ts` (BENCH_SECONDS, BENCH_ROUNDS, BENCH_QUERIES=simple,projects,owners).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const { startTestStack } = await import('../support/stack.ts');
const { OPERATIONS, idle, seedBenchFixture } = await import('./fixture.ts');
const { startGateway } = await import('@wrk/gateway/server');
const { committedSupergraph } = await import('@wrk/gateway/compose');
type LoadJob = import('./load.ts').LoadJob;
type LoadResult = import('./load.ts').LoadResult;
type StartGateway = typeof startGateway;

const QUERIES: Record<string, { query: string; variables: Record<string, unknown> }> = {
  simple: { query: 'query Simple { organizations(first: 20) { nodes { id name } } }', variables: {} },
  projects: { query: OPERATIONS[3]!.query, variables: { n: 20 } },
  owners: {
    query: `query Owners($n: Int!) { contracts(first: $n) { nodes { id title owner { email } organization { name }
      project { name owner { name } team { role user { email name } } } } } }`,
    variables: { n: 20 },
  },
};
const queries = (process.env.BENCH_QUERIES ?? 'simple,projects,owners').split(',');

const stack = await startTestStack('embedded', { worker: false });
const loader: ChildProcess = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    loader.once('message', (message: { result?: LoadResult; error?: string }) =>
      message.result ? resolve(message.result) : reject(new Error(message.error)),
    );
    loader.send(job);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const range = (values: number[], digits = 1) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

try {
  await seedBenchFixture(stack.databaseUrl, 100);
  const headers = { 'content-type': 'application/json', ...stack.as(await stack.token('staff@wrk.demo')) };
  const common = {
    supergraphSdl: committedSupergraph(),
    subgraphUrls: stack.subgraphUrls,
    keyring: stack.keyrings.gateway,
    databaseUrl: stack.databaseUrl,
  };
  const gateways: { name: string; url: string; stop(): Promise<void> }[] = [];
  if (process.env.BASE_GATEWAY) {
    const base = (await import(process.env.BASE_GATEWAY)) as { startGateway: StartGateway };
    gateways.push({ name: 'base', ...(await base.startGateway(common)) });
  }
  gateways.push({ name: 'request', ...(await startGateway({ ...common, entityBatching: false })) });
  gateways.push({ name: 'batched', ...(await startGateway({ ...common, entityBatching: true })) });

  const samples = new Map<string, { rps: number; p50: number; cpu: number; failures: number }[]>();
  const loads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...gateways].reverse() : gateways;
    for (const name of queries) {
      const { query, variables } = QUERIES[name]!;
      for (const connections of [1, 16]) {
        for (const gateway of order) {
          const body = JSON.stringify({ query, variables });
          // Warm: the plan cached, the session cached.
          await load({ url: gateway.url, headers, body, connections, seconds: 1 });
          await idle();
          const cpuBefore = process.cpuUsage();
          const result = await load({ url: gateway.url, headers, body, connections, seconds: SECONDS });
          const cpu = process.cpuUsage(cpuBefore);
          await idle();
          const key = `${name} c=${connections} ${gateway.name}`;
          // A load that got no answer at all has null percentiles (NaN over IPC): reported as NaN, not dropped.
          const sample = {
            rps: result.rps,
            p50: result.p50 ?? NaN,
            cpu: (cpu.user + cpu.system) / 1000 / result.requests,
            failures: result.failures,
          };
          samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
        loads.push(loadavg()[0]!);
      }
    }
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  console.log(`\n${ROUNDS} rounds of ${SECONDS} s; load average ${range(loads, 2)}`);
  console.log('query, connections, gateway: req/s | p50 ms | stack CPU ms/request — median (min–max); ratio of req/s to the first gateway');
  for (const name of queries) {
    for (const connections of [1, 16]) {
      const first = samples.get(`${name} c=${connections} ${gateways[0]!.name}`)!;
      for (const gateway of gateways) {
        const runs = samples.get(`${name} c=${connections} ${gateway.name}`)!;
        const ratios = runs.map((run, i) => run.rps / first[i]!.rps);
        console.log(
          `${name.padEnd(8)} c=${String(connections).padEnd(2)} ${gateway.name.padEnd(8)} ${range(runs.map((r) => r.rps))} | ${range(
            runs.map((r) => r.p50),
            2,
          )} | ${range(
            runs.map((r) => r.cpu),
            2,
          )} | ×${range(ratios, 2)} | failures ${runs.map((r) => r.failures).join('/')}`,
        );
      }
    }
  }
  for (const gateway of gateways) await gateway.stop();
} finally {
  loader.disconnect();
  await stack.stop();
}
