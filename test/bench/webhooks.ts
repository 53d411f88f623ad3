/**
 * Box webhook deliveries accepted per second under 5× replay (part of `pnpm bench`; alone: `tsx test/bench/webhooks.ts`,
 * which rewrites only this section of results.md). The load process builds deliveries signed as Box signs them: each
 * event five times in a row with new delivery ids, so on 32 connections an event's replays are in flight together.
 * Rounds alternate through the gateway and straight to the files subgraph; each is bounded (a number of requests and
 * seconds, loopback only). After each round the database must hold exactly one row and one queue job per event, and
 * exactly as many deliveries must have been answered `stored` as there are rows: no duplicates.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrateQueue } from '@wrk/worker';
import type { BoxDeliveryCounts, LoadJob, LoadResult } from './load.ts';
import { sqlStatements } from '../support/instrumentation.ts';
import { postgresCpuMs } from './procStats.ts';

export const BOX_WEBHOOKS_HEADING = '## Box webhook deliveries';

export interface WebhookBenchTarget {
  gatewayUrl: string;
  filesUrl: string;
  databaseUrl: string;
  keys: { primary: string; secondary?: string };
}

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
}

interface Rounds {
  /** Throughput: `connections` at once. */
  c32: Round[];
  /** Latency: one delivery at a time. */
  c1: Round[];
}

const hasCounts = (result: LoadResult): result is LoadResult & BoxDeliveryCounts =>
  'events' in result && typeof result.events === 'number' && 'storedAnswers' in result && typeof result.storedAnswers === 'number';

async function countStored(db: pg.Pool, prefix: string): Promise<{ rows: number; jobs: number }> {
  const pattern = `${prefix}-%`;
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM files.box_webhook_events WHERE box_event_id LIKE $1', [
    pattern,
  ]);
  const jobs = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'box:webhook' AND key LIKE $1`,
    [`box-webhook:${pattern}`],
  );
  return { rows: rows.rows[0]?.n ?? 0, jobs: jobs.rows[0]?.n ?? 0 };
}

export async function benchBoxWebhooks(
  target: WebhookBenchTarget,
  load: (job: LoadJob) => Promise<LoadResult>,
  options: WebhookBenchOptions,
): Promise<string[]> {
  const connections = options.connections ?? 32;
  const maxRequests = options.maxRequests ?? 20_000;
  const replays = options.replays ?? 5;
  const targets = { gateway: target.gatewayUrl, direct: target.filesUrl } as const;
  const results: Record<keyof typeof targets, Rounds> = { gateway: { c32: [], c1: [] }, direct: { c32: [], c1: [] } };
  // The stack runs without its worker (no job may run inside a measured load), but a delivery's job is enqueued
  // in the statement that stores it: the queue must exist before the first delivery (files asks once).
  await migrateQueue(target.databaseUrl);
  const loadAtStart = loadavg()[0] ?? NaN;
  const db = new pg.Pool({ connectionString: target.databaseUrl, max: 2 });
  /** One bounded load of fresh events, checked in the database afterwards. */
  const measure = async (key: keyof typeof targets, width: number, round: number): Promise<Round> => {
    const prefix = `bench-${key}-${width}-${round}-${randomBytes(4).toString('hex')}`;
    const cpu = process.cpuUsage();
    const pgCpu = await postgresCpuMs(db);
    const statements = sqlStatements.count;
    const result = await load({
      url: new URL('/webhooks/box', targets[key]).toString(),
      headers: {},
      body: '',
      connections: width,
      seconds: options.seconds,
      maxRequests,
      boxDeliveries: { keys: target.keys, prefix, replays },
    });
    await options.idle();
    const used = process.cpuUsage(cpu);
    const pgUsed = (await postgresCpuMs(db)) - pgCpu;
    const sent = sqlStatements.count - statements;
    const stored = await countStored(db, prefix);
    if (result.failures) throw new Error(`Box webhooks ${key}: ${result.failures} failed deliveries`);
    if (!hasCounts(result)) throw new Error('the load process did not count Box deliveries');
    // Every event stored once with one job; no two deliveries of an event both answered `stored`.
    if (stored.jobs !== stored.rows || result.storedAnswers > stored.rows || stored.rows > result.events) {
      throw new Error(`Box webhooks ${key}: duplicates (${JSON.stringify({ ...stored, ...result })})`);
    }
    const deliveries = Math.max(1, result.requests);
    return {
      ...result,
      ...stored,
      cpuMsPerDelivery: (used.user + used.system) / 1000 / deliveries,
      pgCpuMsPerDelivery: pgUsed / deliveries,
      statementsPerDelivery: sent / deliveries,
    };
  };
  try {
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 ? (['direct', 'gateway'] as const) : (['gateway', 'direct'] as const);
      for (const key of order) {
        results[key].c32.push(await measure(key, connections, round));
        results[key].c1.push(await measure(key, 1, round));
        process.stdout.write(`\rwebhook round ${round + 1}/${options.rounds} ${key} done   `);
      }
    }
  } finally {
    await db.end();
  }
  process.stdout.write('\n');
  return report(results, { ...options, connections, maxRequests, replays, loadAtStart });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

function report(
  results: Record<'gateway' | 'direct', Rounds>,
  options: WebhookBenchOptions & { connections: number; maxRequests: number; replays: number; loadAtStart: number },
): string[] {
  const line = (label: string, { c32, c1 }: Rounds) => {
    const rps = c32.map((r) => r.rps);
    const sum = (field: 'requests' | 'rows' | 'jobs' | 'storedAnswers') => [...c32, ...c1].reduce((total, r) => total + r[field], 0);
    return (
      `| ${label} | ${Math.round(median(rps))} | ${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))} | ` +
      `${ms(median(c32.map((r) => r.p50)))} | ${ms(median(c32.map((r) => r.p99)))} | ` +
      `${ms(median(c1.map((r) => r.p50)))} | ${ms(median(c1.map((r) => r.p99)))} | ${ms(median(c32.map((r) => r.cpuMsPerDelivery)))} | ` +
      `${ms(median(c32.map((r) => r.pgCpuMsPerDelivery)))} | ${median(c32.map((r) => r.statementsPerDelivery)).toFixed(3)} | ` +
      `${sum('requests')} | ${sum('rows')} | ${sum('jobs')} | ${sum('storedAnswers')} | 0 |`
    );
  };
  return [
    BOX_WEBHOOKS_HEADING,
    '',
    `Signed Box deliveries (HMAC over the raw body ‖ timestamp, both keys), each event ${options.replays}× in a row with new delivery ids, ` +
      `closed model on loopback: ${options.connections} connections (throughput) and 1 (latency), ${options.rounds} interleaved rounds per target, ` +
      `each load bounded at ${options.maxRequests.toLocaleString('en')} requests or ${options.seconds} s. Accepted = answered 200 (stored or duplicate); ` +
      'every load checked in the database: one row and one queue job per event, and no more `stored` answers than rows (a load cut off by its time limit ' +
      'leaves a few answers unread). Stack CPU: this process’s time (gateway and subgraphs; not Postgres) per delivery at c=32; Postgres CPU: ' +
      'the database server’s processes (from /proc) per delivery at c=32; SQL statements: those the stack’s Prisma clients sent, per delivery at c=32.',
    '',
    '| Target | accepted/s c=32 (median) | min–max | c=32 p50 ms | c=32 p99 ms | c=1 p50 ms | c=1 p99 ms | stack CPU ms/delivery | Postgres CPU ms/delivery | SQL statements/delivery | deliveries | rows (events) | queue jobs | `stored` answers | duplicates |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    line('through the gateway', results.gateway),
    line('straight to files', results.direct),
    '',
    `Per-round accepted/s at c=32: gateway ${results.gateway.c32.map((r) => Math.round(r.rps)).join('/')}; ` +
      `direct ${results.direct.c32.map((r) => Math.round(r.rps)).join('/')}. 1-minute load average of the machine at the start ${options.loadAtStart.toFixed(1)}, at the end ${loadavg()[0]?.toFixed(1)}.`,
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

/** Alone: a stack on a fresh database, a load process, this section of results.md rewritten. */
async function main(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  process.env.LOG_LEVEL ??= 'warn';
  const { startTestStack } = await import('../support/stack.ts');
  const { idle } = await import('./fixture.ts');
  const stack = await startTestStack(process.env.DATABASE_URL ? 'postgres' : 'embedded', { worker: false });
  const loader = fork(new URL('./load.ts', import.meta.url).pathname, [], { stdio: 'inherit' });
  try {
    const load = (job: LoadJob) =>
      new Promise<LoadResult>((resolve, reject) => {
        loader.once('message', (message: { result?: LoadResult; error?: string }) =>
          message.result ? resolve(message.result) : reject(new Error(message.error)),
        );
        loader.send(job);
      });
    const keys = stack.boxWebhookKeys;
    if (!keys) throw new Error('the stack has no Box webhook keys');
    const lines = await benchBoxWebhooks(
      { gatewayUrl: stack.gatewayUrl, filesUrl: stack.subgraphUrls.files, databaseUrl: stack.databaseUrl, keys },
      load,
      { rounds: Number(process.env.BENCH_ROUNDS ?? 3), seconds: Number(process.env.BENCH_SECONDS ?? 5), idle },
    );
    console.log(lines.join('\n'));
    writeSection(new URL('./results.md', import.meta.url), lines);
  } finally {
    loader.disconnect();
    await stack.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
