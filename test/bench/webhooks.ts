/**
 * Box webhook deliveries accepted per second under 5× replay (part of `pnpm bench`, in its one-process stack; alone,
 * in the production shape: `tsx test/bench/webhooks.ts`, which rewrites only this section of results.md, and with
 * WEBHOOK_BENCH_BASELINE=<another checkout, installed> measures that checkout side by side, round by round). The load process builds deliveries signed as Box signs them: each
 * event five times in a row with new delivery ids, so on 32 connections an event's replays are in flight together.
 * Rounds alternate through the gateway and straight to the files subgraph; each is bounded (a number of requests and
 * seconds, loopback only). After each round the database must hold exactly one row and one queue job per event, and
 * exactly as many deliveries must have been answered `stored` as there are rows: no duplicates.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { postgresCpuMs, processCpuMs } from './procStats.ts';
import { migrateQueue } from '@wrk/worker';
import type { BoxDeliveryCounts, LoadJob, LoadResult } from './load.ts';
import { sqlStatements } from '../support/instrumentation.ts';

export const BOX_WEBHOOKS_HEADING = '## Box webhook deliveries';

export interface WebhookBenchTarget {
  /** What is measured (`this tree`, or the baseline checkout compared side by side). */
  label?: string;
  gatewayUrl: string;
  filesUrl: string;
  databaseUrl: string;
  keys: { primary: string; secondary?: string };
  /**
   * CPU milliseconds used so far by the processes that serve `path` (gateway and files, or files alone). Default:
   * this process's time (the stack runs in it).
   */
  stackCpuMs?(path: Path): number;
}

type Path = 'gateway' | 'direct';

export interface WebhookBenchOptions {
  rounds: number;
  seconds: number;
  connections?: number;
  /** Requests per load at most (bounded whatever the speed). */
  maxRequests?: number;
  replays?: number;
  /** Waits until no request is open in the stack (the bench's idle()). */
  idle(): Promise<void>;
}

interface Round extends LoadResult, BoxDeliveryCounts {
  rows: number;
  jobs: number;
  /** This process's CPU time (the stack runs in it; Postgres does not) per delivery. */
  cpuMsPerDelivery: number;
  /** The CPU time of the database server's processes per delivery (NaN where /proc cannot tell). */
  pgCpuMsPerDelivery: number;
  /** SQL statements the stack's Prisma clients sent, per delivery. */
  statementsPerDelivery: number;
  /** The load generator's CPU time per delivery (if it nears 1 s per second, it caps what is measured). */
  loadCpuMsPerDelivery: number;
}

interface Rounds {
  /** Throughput: `connections` at once. */
  c32: Round[];
  /** Latency: one delivery at a time. */
  c1: Round[];
}

const hasCounts = (result: LoadResult): result is LoadResult & BoxDeliveryCounts =>
  'events' in result && typeof result.events === 'number' && 'storedAnswers' in result && typeof result.storedAnswers === 'number';

/**
 * Rows and jobs of a load's events, counted in one statement (one snapshot): counted apart, a batch still in flight
 * after the load (one cut off by its time limit) could commit between the two counts and read as a job without its row.
 */
async function countStored(db: pg.Pool, prefix: string): Promise<{ rows: number; jobs: number }> {
  const pattern = `${prefix}-%`;
  const { rows } = await db.query<{ rows: number; jobs: number }>(
    `SELECT (SELECT count(*)::int FROM files.box_webhook_events WHERE box_event_id LIKE $1) AS rows,
            (SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'box:webhook' AND key LIKE $2) AS jobs`,
    [pattern, `box-webhook:${pattern}`],
  );
  return { rows: rows[0]?.rows ?? 0, jobs: rows[0]?.jobs ?? 0 };
}

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface Measured {
  label: string;
  path: Path;
  rounds: Rounds;
}

export async function benchBoxWebhooks(
  targetOrTargets: WebhookBenchTarget | WebhookBenchTarget[],
  load: (job: LoadJob) => Promise<LoadResult>,
  options: WebhookBenchOptions,
): Promise<string[]> {
  const targets = Array.isArray(targetOrTargets) ? targetOrTargets : [targetOrTargets];
  const [first] = targets;
  if (!first) throw new Error('no target to measure');
  const connections = options.connections ?? 32;
  const maxRequests = options.maxRequests ?? 20_000;
  const replays = options.replays ?? 5;
  const sides: (Measured & { target: WebhookBenchTarget })[] = targets.flatMap((target, index) =>
    (['gateway', 'direct'] as const).map((path) => ({
      target,
      label: target.label ?? (index ? `target ${index + 1}` : 'this tree'),
      path,
      rounds: { c32: [], c1: [] },
    })),
  );
  // The stack runs without its worker (no job may run inside a measured load), but a delivery's job is enqueued
  // in the statement that stores it: the queue must exist before the first delivery (files asks once).
  await migrateQueue(first.databaseUrl);
  const loadAtStart = loadavg()[0] ?? NaN;
  const db = new pg.Pool({ connectionString: first.databaseUrl, max: 2 });
  /** One bounded load of fresh events, checked in the database afterwards. */
  const measure = async ({ target, path }: (typeof sides)[number], width: number, round: number): Promise<Round> => {
    const prefix = `bench-${path}-${width}-${round}-${randomBytes(4).toString('hex')}`;
    const stackCpu = () => target.stackCpuMs?.(path) ?? ownCpuMs();
    const cpu = stackCpu();
    const pgCpu = await postgresCpuMs(db);
    const statements = sqlStatements.count;
    const result = await load({
      url: new URL('/webhooks/box', path === 'gateway' ? target.gatewayUrl : target.filesUrl).toString(),
      headers: {},
      body: '',
      connections: width,
      seconds: options.seconds,
      maxRequests,
      boxDeliveries: { keys: target.keys, prefix, replays },
    });
    await options.idle();
    const used = stackCpu() - cpu;
    const pgUsed = (await postgresCpuMs(db)) - pgCpu;
    const sent = sqlStatements.count - statements;
    const stored = await countStored(db, prefix);
    if (result.failures) throw new Error(`Box webhooks ${path}: ${result.failures} failed deliveries`);
    if (!hasCounts(result)) throw new Error('the load process did not count Box deliveries');
    // Every event stored once with one job; no two deliveries of an event both answered `stored`.
    if (stored.jobs !== stored.rows || result.storedAnswers > stored.rows || stored.rows > result.events) {
      throw new Error(`Box webhooks ${path}: duplicates (${JSON.stringify({ ...stored, ...result })})`);
    }
    const deliveries = Math.max(1, result.requests);
    return {
      ...result,
      ...stored,
      cpuMsPerDelivery: used / deliveries,
      pgCpuMsPerDelivery: pgUsed / deliveries,
      statementsPerDelivery: target.stackCpuMs ? NaN : sent / deliveries,
      loadCpuMsPerDelivery: result.loadCpuMs / deliveries,
    };
  };
  try {
    // Warm-up, not reported: the first deliveries of a fresh process pay for its JIT compilation and its pools.
    for (const side of sides) await measure(side, connections, -1);
    for (let round = 0; round < options.rounds; round++) {
      // A B A B …, and B A B A … on odd rounds: no side always runs first.
      const order = round % 2 ? [...sides].reverse() : sides;
      for (const side of order) {
        side.rounds.c32.push(await measure(side, connections, round));
        side.rounds.c1.push(await measure(side, 1, round));
        process.stdout.write(`\rwebhook round ${round + 1}/${options.rounds} ${side.label} ${side.path} done   `);
      }
    }
  } finally {
    await db.end();
  }
  process.stdout.write('\n');
  return report(sides, { ...options, connections, maxRequests, replays, loadAtStart, production: first.stackCpuMs !== undefined });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const PATH_LABEL: Record<Path, string> = { gateway: 'through the gateway', direct: 'straight to files' };

function report(
  sides: Measured[],
  options: WebhookBenchOptions & { connections: number; maxRequests: number; replays: number; loadAtStart: number; production: boolean },
): string[] {
  const many = new Set(sides.map((side) => side.label)).size > 1;
  const name = (side: Measured) => (many ? `${side.label}, ${PATH_LABEL[side.path]}` : PATH_LABEL[side.path]);
  const line = (side: Measured) => {
    const { c32, c1 } = side.rounds;
    const rps = c32.map((r) => r.rps);
    const sum = (field: 'requests' | 'rows' | 'jobs' | 'storedAnswers') => [...c32, ...c1].reduce((total, r) => total + r[field], 0);
    const statements = median(c32.map((r) => r.statementsPerDelivery));
    return (
      `| ${name(side)} | ${Math.round(median(rps))} | ${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))} | ` +
      `${ms(median(c32.map((r) => r.p50)))} | ${ms(median(c32.map((r) => r.p99)))} | ` +
      `${ms(median(c1.map((r) => r.p50)))} | ${ms(median(c1.map((r) => r.p99)))} | ${ms(median(c32.map((r) => r.cpuMsPerDelivery)))} | ` +
      `${ms(median(c32.map((r) => r.pgCpuMsPerDelivery)))} | ${ms(median(c32.map((r) => r.loadCpuMsPerDelivery)))} | ${Number.isNaN(statements) ? '—' : statements.toFixed(3)} | ` +
      `${sum('requests')} | ${sum('rows')} | ${sum('jobs')} | ${sum('storedAnswers')} | 0 |`
    );
  };
  const ratios = many
    ? sides
        .filter((side) => side.label === sides[0]?.label)
        .flatMap((side) => {
          const others = sides.filter((other) => other.path === side.path && other !== side);
          return others.map((other) => {
            const perRound = side.rounds.c32.map((r, i) => r.rps / (other.rounds.c32[i]?.rps ?? NaN));
            return (
              `${side.label} ÷ ${other.label}, ${PATH_LABEL[side.path]}: ${median(perRound).toFixed(2)}× ` +
              `(per round ${perRound.map((r) => r.toFixed(2)).join('/')})`
            );
          });
        })
    : [];
  const shape = options.production
    ? 'Production shape: the gateway and the files subgraph each in a process of its own (NODE_ENV=production, as test/support/production.ts starts them), ' +
      'the load generator in a third; stack CPU is the user+system time, from /proc, of the processes a delivery passes (gateway and files, or files alone) per delivery at c=32; ' +
      'SQL statements are not counted across processes.'
    : 'Stack CPU: this process’s time (gateway and subgraphs; not Postgres) per delivery at c=32; ' +
      'SQL statements: those the stack’s Prisma clients sent, per delivery at c=32.';
  return [
    BOX_WEBHOOKS_HEADING,
    '',
    `Signed Box deliveries (HMAC over the raw body ‖ timestamp, both keys), each event ${options.replays}× in a row with new delivery ids, ` +
      `closed model on loopback: ${options.connections} connections (throughput) and 1 (latency), ${options.rounds} interleaved rounds per target, ` +
      `each load bounded at ${options.maxRequests.toLocaleString('en')} requests or ${options.seconds} s. Accepted = answered 200 (stored or duplicate); ` +
      'every load checked in the database: one row and one queue job per event, and no more `stored` answers than rows (a load cut off by its time limit ' +
      `leaves a few answers unread). ${shape} Postgres CPU: the database server’s processes (from /proc) per delivery at c=32; ` +
      'load generator CPU: its own process’s time while sending, per delivery at c=32 (deliveries are signed before the load starts).',
    '',
    '| Target | accepted/s c=32 (median) | min–max | c=32 p50 ms | c=32 p99 ms | c=1 p50 ms | c=1 p99 ms | stack CPU ms/delivery | Postgres CPU ms/delivery | load generator CPU ms/delivery | SQL statements/delivery | deliveries | rows (events) | queue jobs | `stored` answers | duplicates |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...sides.map(line),
    '',
    `Per-round accepted/s at c=32: ${sides.map((side) => `${name(side)} ${side.rounds.c32.map((r) => Math.round(r.rps)).join('/')}`).join('; ')}. ` +
      `1-minute load average of the machine at the start ${options.loadAtStart.toFixed(1)}, at the end ${loadavg()[0]?.toFixed(1)}.`,
    ...(ratios.length
      ? ['', 'Side by side (accepted/s at c=32, median of the per-round ratios):', '', ...ratios.map((r) => `- ${r}`)]
      : []),
  ];
}

/** Replaces this section of a results file (or appends it), leaving the other sections as they are. */
export function writeSection(file: URL, lines: string[]): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = existing.indexOf(BOX_WEBHOOKS_HEADING);
  const section = `${lines.join('\n')}\n`;
  if (start < 0) {
    writeFileSync(file, `${existing.trimEnd()}\n\n${section}`);
    return;
  }
  const ends = ['\n## ', '\nTotal run time']
    .map((marker) => existing.indexOf(marker, start + BOX_WEBHOOKS_HEADING.length))
    .filter((index) => index >= 0);
  const after = ends.length ? existing.slice(Math.min(...ends)) : '';
  writeFileSync(file, `${existing.slice(0, start)}${section}${after}`);
}

/** The load generator in a process of its own, given jobs over IPC. */
function loadProcess() {
  const profileDir = process.env.WEBHOOK_BENCH_PROFILE_DIR;
  const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], {
    stdio: 'inherit',
    // Profiled with the servers: whether the generator's own CPU caps what is measured.
    execArgv: [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/load-generator`] : [])],
  });
  const load = (job: LoadJob) =>
    new Promise<LoadResult>((resolve, reject) => {
      loader.once('message', (message: { result?: LoadResult; error?: string }) =>
        message.result ? resolve(message.result) : reject(new Error(message.error)),
      );
      loader.send(job);
    });
  return { load, stop: () => loader.disconnect() };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 300));

/**
 * The gateway and the files subgraph of the checkout at `root`, each a process of its own as in production
 * (test/support/production.ts); the other subgraphs are not needed by deliveries and do not run.
 */
async function startWebhookProcesses(root: string, databaseUrl: string, keys: { primary: string; secondary: string }, label: string) {
  const { keysDirPerService, waitForHealth } = await import('../support/production.ts');
  const { freePort } = await import('@wrk/devdb');
  const keyDirs = keysDirPerService();
  const ports = {
    identity: await freePort(),
    core: await freePort(),
    files: await freePort(),
    agents: await freePort(),
    gateway: await freePort(),
  };
  const urls = Object.fromEntries(
    (['identity', 'core', 'files', 'agents'] as const).map((name) => [
      `${name.toUpperCase()}_URL`,
      `http://127.0.0.1:${ports[name]}/graphql`,
    ]),
  );
  const profileDir = process.env.WEBHOOK_BENCH_PROFILE_DIR;
  const start = async (service: 'files' | 'gateway', script: string): Promise<ChildProcess> => {
    const output: string[] = [];
    const child = spawn(
      'node',
      [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${label}-${service}`] : []), '--import', 'tsx', script],
      {
        cwd: root,
        env: {
          ...process.env,
          ...urls,
          PORT: String(ports[service]),
          DATABASE_URL: databaseUrl,
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
          APOLLO_TELEMETRY_DISABLED: 'true',
          WRK_KEYS_DIR: keyDirs[service],
          BOX_WEBHOOK_PRIMARY_KEY: service === 'files' ? keys.primary : undefined,
          BOX_WEBHOOK_SECONDARY_KEY: service === 'files' ? keys.secondary : undefined,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (chunk) => output.push(String(chunk)));
    child.stderr.on('data', (chunk) => output.push(String(chunk)));
    await waitForHealth(`http://127.0.0.1:${ports[service]}/health`, child, output);
    return child;
  };
  const files = await start('files', 'subgraphs/files/src/main.ts');
  const gateway = await start('gateway', 'gateway/src/main.ts');
  const target: WebhookBenchTarget = {
    label,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    filesUrl: `http://127.0.0.1:${ports.files}/graphql`,
    databaseUrl,
    keys,
    stackCpuMs: (path) => processCpuMs(files.pid) + (path === 'gateway' ? processCpuMs(gateway.pid) : 0),
  };
  const stop = async () => {
    await Promise.all(
      [gateway, files].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
  };
  return { target, stop };
}

/**
 * Alone: the production shape by default (gateway and files in processes of their own, on a fresh embedded or
 * DATABASE_URL's database), side by side with the checkout at WEBHOOK_BENCH_BASELINE when set;
 * WEBHOOK_BENCH_SHAPE=in-process measures the whole stack in this process instead, as `pnpm bench` does. Rewrites
 * this section of results.md.
 */
/**
 * `pnpm bench`'s webhook section: this tree's gateway and files subgraph as processes of their own (the deployed
 * shape) on `databaseUrl` (migrated), with fresh webhook keys.
 */
export async function productionWebhookBench(
  databaseUrl: string,
  load: (job: LoadJob) => Promise<LoadResult>,
  options: Omit<WebhookBenchOptions, 'idle'>,
): Promise<string[]> {
  const { repoRoot } = await import('../support/production.ts');
  const keys = { primary: randomBytes(24).toString('base64url'), secondary: randomBytes(24).toString('base64url') };
  const started = await startWebhookProcesses(repoRoot, databaseUrl, keys, 'this-tree');
  try {
    return await benchBoxWebhooks(started.target, load, { ...options, idle: settle });
  } finally {
    await started.stop();
  }
}

async function main(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  process.env.LOG_LEVEL ??= 'warn';
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const loader = loadProcess();
  const stops: (() => Promise<void>)[] = [];
  try {
    let targets: WebhookBenchTarget[];
    let idle: () => Promise<void> = settle;
    if (process.env.WEBHOOK_BENCH_SHAPE === 'in-process') {
      const { startTestStack } = await import('../support/stack.ts');
      const fixture = await import('./fixture.ts');
      const stack = await startTestStack(process.env.DATABASE_URL ? 'postgres' : 'embedded', { worker: false });
      stops.push(() => stack.stop());
      const keys = stack.boxWebhookKeys;
      if (!keys) throw new Error('the stack has no Box webhook keys');
      targets = [{ gatewayUrl: stack.gatewayUrl, filesUrl: stack.subgraphUrls.files, databaseUrl: stack.databaseUrl, keys }];
      idle = () => fixture.idle();
    } else {
      const { freshDatabase } = await import('../support/databases.ts');
      const { startStack } = await import('@wrk/app');
      const { repoRoot } = await import('../support/production.ts');
      const database = await freshDatabase(process.env.DATABASE_URL ? 'postgres' : 'embedded');
      stops.push(() => database.release());
      // Migrations and demo data, as a deployment's release step applies them.
      await (await startStack({ databaseUrl: database.url, worker: false })).stop();
      const keys = { primary: randomBytes(24).toString('base64url'), secondary: randomBytes(24).toString('base64url') };
      const baseline = process.env.WEBHOOK_BENCH_BASELINE;
      const roots = [{ root: repoRoot, label: 'this tree' }, ...(baseline ? [{ root: baseline, label: 'baseline' }] : [])];
      targets = [];
      for (const { root, label } of roots) {
        const started = await startWebhookProcesses(root, database.url, keys, label.replace(' ', '-'));
        stops.unshift(started.stop);
        targets.push({ ...started.target, label });
      }
    }
    const lines = await benchBoxWebhooks(targets, loader.load, { rounds, seconds, idle });
    console.log(lines.join('\n'));
    writeSection(new URL('./results.md', import.meta.url), lines);
  } finally {
    loader.stop();
    for (const stop of stops) await stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
