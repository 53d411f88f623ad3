/**
 * The gateway comparison of `pnpm bench`, in the production shape (test/bench/processes.ts): WRK's gateway, Hive
 * Gateway (when the repo has its config, test/bench/hive.ts) and the one subgraph called directly with the claims
 * the gateway would sign, in front of the same four subgraph processes, each operation of test/bench/queries.ts at
 * 1 and 16 connections, the sides interleaved (A B C, rotated from round to round). Per load: req/s and latency
 * from the load process; the CPU time of every server process and of Postgres from /proc across the load (until the
 * processes are idle again) ÷ the requests answered; RSS after it.
 */
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import type { SubgraphName } from '@wrk/catalog';
import { CLAIMS_HEADER, loadKeyring, signClaims, type Claims, type ServiceKeyring } from '@wrk/platform';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { issueToken } from '@wrk/subgraph-identity/tokens';
import type { AlternatingJob, AlternatingResult, LoadJob, LoadResult } from './load.ts';
import { startBareProxy, startSubgraphFleet, startWrkGateway, type MeasuredProcess } from './processes.ts';
import { postgresCpuMs } from './procStats.ts';
import { COMPARED_QUERIES, PAGE, type ComparedQuery } from './queries.ts';

export const SIDES = ['wrk', 'hive', 'direct', 'proxy'] as const;
export type SideKey = (typeof SIDES)[number];
export const CONNECTIONS = [1, 16] as const;
export type Connections = (typeof CONNECTIONS)[number];

/** What a gateway process is started in front of: the subgraphs, a keys directory with the gateway's private key. */
export interface GatewayTarget {
  subgraphUrls: Record<SubgraphName, string>;
  keysDir: string;
  databaseUrl: string;
}
/** Starts a gateway process (Hive's, from test/bench/hive.ts). */
export type GatewayStarter = (target: GatewayTarget) => Promise<MeasuredProcess>;

/** One load of one side. */
export interface Sample extends LoadResult {
  round: number;
  /** CPU ms per request sent: the side's gateway process, and every process of the stack (Postgres included). */
  gatewayCpuMs: number;
  stackCpuMs: number;
  postgresCpuMs: number;
  gatewayRssMb: number;
  stackRssMb: number;
  /** HTTP requests the four subgraphs answered during the load (from their /metrics) per request sent. */
  subgraphRequests: number;
}

export interface ComparisonResult {
  sides: SideKey[];
  rounds: number;
  seconds: number;
  pinned: boolean;
  /** samples[query][side][connections]: one per round. */
  samples: Record<string, Partial<Record<SideKey, Record<Connections, Sample[]>>>>;
  /** tails[query][side]: one connection, the sides' requests alternating one by one for `tailSeconds`. */
  tails: Record<string, Partial<Record<SideKey, AlternatingResult>>>;
  tailSeconds: number;
  loadAverage: { start: number[]; end: number[] };
}

/** Seconds per operation of the alternating run (the direct side's signed claims live 15 s). */
const TAIL_SECONDS = 8;

export interface ComparisonOptions {
  databaseUrl: string;
  load(job: LoadJob): Promise<LoadResult>;
  /** Sends an AlternatingJob from the load generator. */
  alternate(job: AlternatingJob): Promise<AlternatingResult[]>;
  /** The load generator's pid, pinned to CPU 0 when `pin`. */
  loaderPid: number;
  pin: boolean;
  rounds: number;
  seconds: number;
  startHive?: GatewayStarter;
  progress(text: string): void;
}

interface Side {
  key: SideKey;
  gateway?: MeasuredProcess;
  /** Measured only in the alternating run (the bare proxy: a floor for latency, not a gateway to load). */
  tailsOnly?: boolean;
  /** Where this side sends `query` and the headers of a load (signed claims expire: fresh ones for each). */
  target(query: ComparedQuery): { url: string; headers(): Record<string, string> } | undefined;
}

const pinTo = (pid: number, cpu: number) => execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });

/** Starts the fleet and the gateways, checks every answer, then runs the interleaved loads; stops everything. */
export async function compareGateways(options: ComparisonOptions): Promise<ComparisonResult> {
  const loadAtStart = (await import('node:os')).loadavg();
  const fleet = await startSubgraphFleet(options.databaseUrl);
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  const started: MeasuredProcess[] = [...fleet.processes];
  try {
    const wrk = await startWrkGateway(fleet, options.databaseUrl);
    started.push(wrk);
    const hive = options.startHive
      ? await options.startHive({ subgraphUrls: fleet.urls, keysDir: fleet.keysDirs.gateway, databaseUrl: options.databaseUrl })
      : undefined;
    if (hive) started.push(hive);
    const proxy = await startBareProxy(fleet);
    started.push(proxy);

    const token = await adminToken(options.databaseUrl);
    const viaGateway = () => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
    const keyring = loadKeyring(fleet.keysDirs.gateway, 'gateway');
    const claims = await sessionClaims(fleet.urls.identity, keyring, token);
    const withClaims = (subgraph: SubgraphName, query: ComparedQuery) => () => ({
      'content-type': 'application/json',
      [CLAIMS_HEADER]: signClaims(keyring, subgraph, { query: query.query }, claims),
    });
    const sides: Side[] = [
      { key: 'wrk', gateway: wrk, target: () => ({ url: `${wrk.url}/graphql`, headers: viaGateway }) },
      ...(hive ? [{ key: 'hive' as const, gateway: hive, target: () => ({ url: `${hive.url}/graphql`, headers: viaGateway }) }] : []),
      {
        key: 'direct',
        target: (query) => (query.direct ? { url: fleet.urls[query.direct], headers: withClaims(query.direct, query) } : undefined),
      },
      {
        key: 'proxy',
        tailsOnly: true,
        target: (query) =>
          query.direct ? { url: `${proxy.url}/${query.direct}/graphql`, headers: withClaims(query.direct, query) } : undefined,
      },
    ];
    const loaded = sides.filter((side) => !side.tailsOnly);

    await checkAnswers(sides, options.progress);
    if (options.pin) {
      for (const proc of started) pinTo(proc.pid, 1);
      pinTo(options.loaderPid, 0);
    }

    const samples: ComparisonResult['samples'] = {};
    const stack = (side: Side) => [...fleet.processes, ...(side.gateway ? [side.gateway] : [])];
    const targets = COMPARED_QUERIES.reduce((sum, query) => sum + loaded.filter((side) => side.target(query)).length, 0);
    const total = options.rounds * CONNECTIONS.length * targets;
    let done = 0;
    for (let round = 0; round < options.rounds; round++) {
      for (const query of COMPARED_QUERIES) {
        for (const connections of CONNECTIONS) {
          // Rotate which side goes first, so that drift on a shared machine does not favour one.
          const order = loaded.map((_, i) => loaded[(i + round) % loaded.length]).filter((side) => side !== undefined);
          for (const side of order) {
            const target = side.target(query);
            if (!target) continue;
            const processes = stack(side);
            const subgraphRequestsBefore = await subgraphRequests(fleet.processes);
            const cpuBefore = processes.map((p) => p.cpuMs());
            const pgBefore = await postgresCpuMs(db);
            const result = await options.load({
              url: target.url,
              headers: target.headers(),
              body: JSON.stringify({ query: query.query }),
              connections,
              seconds: options.seconds,
            });
            await settle(started);
            if (result.failures) throw new Error(`${side.key} ${query.key} c=${connections}: ${result.failures} failed requests`);
            const cpuUsed = processes.map((p, i) => p.cpuMs() - (cpuBefore[i] ?? 0));
            const pgUsed = (await postgresCpuMs(db)) - pgBefore;
            const subgraphRequestsUsed = (await subgraphRequests(fleet.processes)) - subgraphRequestsBefore;
            const gatewayIndex = side.gateway ? processes.indexOf(side.gateway) : -1;
            // Per request sent: those in flight when the load stopped were worked on to the end (settle) too.
            const perRequest = (ms: number) => ms / result.sent;
            const sample: Sample = {
              ...result,
              round,
              gatewayCpuMs: gatewayIndex >= 0 ? perRequest(cpuUsed[gatewayIndex] ?? NaN) : NaN,
              stackCpuMs: perRequest(cpuUsed.reduce((a, b) => a + b, 0) + pgUsed),
              postgresCpuMs: perRequest(pgUsed),
              gatewayRssMb: side.gateway ? side.gateway.rssMb() : NaN,
              stackRssMb: processes.reduce((sum, p) => sum + p.rssMb(), 0),
              subgraphRequests: perRequest(subgraphRequestsUsed),
            };
            const byQuery = (samples[query.key] ??= {});
            const bySide = (byQuery[side.key] ??= { 1: [], 16: [] });
            bySide[connections].push(sample);
            done += 1;
            options.progress(`\r${done}/${total} comparison loads done`);
          }
        }
      }
    }
    options.progress('\n');
    const tails = await alternatingTails(sides, options);
    const loadAtEnd = (await import('node:os')).loadavg();
    return {
      sides: sides.map((side) => side.key),
      rounds: options.rounds,
      seconds: options.seconds,
      pinned: options.pin,
      samples,
      tails,
      tailSeconds: TAIL_SECONDS,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
    };
  } finally {
    await db.end();
    await Promise.all(started.map((p) => p.stop()));
  }
}

/** Each operation at one connection, every side's requests alternating with the others' (see runAlternating). */
async function alternatingTails(sides: Side[], options: ComparisonOptions): Promise<ComparisonResult['tails']> {
  const tails: ComparisonResult['tails'] = {};
  for (const query of COMPARED_QUERIES) {
    const measured = sides.flatMap((side) => {
      const target = side.target(query);
      return target
        ? [{ key: side.key, request: { url: target.url, headers: target.headers(), body: JSON.stringify({ query: query.query }) } }]
        : [];
    });
    const results = await options.alternate({ alternate: measured.map(({ request }) => request), seconds: TAIL_SECONDS });
    tails[query.key] = Object.fromEntries(measured.map(({ key }, index) => [key, results[index]]));
    options.progress(`\r${query.key}: tails at one connection measured`);
  }
  options.progress('\n');
  return tails;
}

/** A bearer token of the demo admin, issued as `pnpm wrk token create` does. */
export async function adminToken(databaseUrl: string): Promise<string> {
  const identity = createIdentityDb(databaseUrl);
  try {
    const user = await identity.user.findUniqueOrThrow({ where: { email: 'admin@wrk.demo' } });
    return (await identity.$transaction((tx) => issueToken(tx, { user }, { actor: 'test', sourceSystem: 'test' }))).token;
  } finally {
    await identity.$disconnect();
  }
}

/** The claims the gateway forwards for `token`, from identity's session endpoint, asked as the gateway asks. */
export async function sessionClaims(identityUrl: string, keyring: ServiceKeyring, token: string): Promise<Claims> {
  const body = { token, requestId: 'bench' };
  const system: Claims = { kind: 'system', agent: 'gateway', scopes: [], teams: [], requestId: 'bench' };
  const response = await fetch(identityUrl.replace(/\/graphql$/, '/internal/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLAIMS_HEADER]: signClaims(keyring, 'identity', body, system) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`identity answered ${response.status} to the session lookup`);
  // The session endpoint answers with the claims the gateway forwards (the gateway reads it the same way).
  return (await response.json()) as Claims;
}

type Answer = { data?: Record<string, unknown> | null; errors?: unknown[] };

/**
 * Every side answers every operation it is measured on with a full page, no error, and the same data as WRK's
 * gateway (the direct side its one subgraph's share); 20 requests each also warm plans, caches and connections.
 */
async function checkAnswers(sides: Side[], progress: (text: string) => void): Promise<void> {
  for (const query of COMPARED_QUERIES) {
    let reference: Answer['data'];
    for (const side of sides) {
      const target = side.target(query);
      if (!target) continue;
      let answer: Answer = {};
      for (let i = 0; i < 20; i++) {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: target.headers(),
          body: JSON.stringify({ query: query.query }),
          signal: AbortSignal.timeout(30_000),
        });
        answer = (await response.json()) as Answer;
      }
      if (answer.errors || !answer.data || query.rows(answer.data) !== PAGE) {
        throw new Error(`${side.key} ${query.key}: unexpected answer ${JSON.stringify(answer).slice(0, 600)}`);
      }
      reference ??= answer.data;
      if (!isDeepStrictEqual(answer.data, reference)) throw new Error(`${side.key} ${query.key}: data differs from WRK's`);
    }
  }
  progress('every side answers every operation with a full page and the same data\n');
}

const PROBE_ROUTES = /route="\/(metrics|health|ready)"/;
/** HTTP requests the processes have answered so far (`wrk_http_requests_total` of their /metrics), probes and scrapes left out. */
async function subgraphRequests(processes: MeasuredProcess[]): Promise<number> {
  const counts = await Promise.all(
    processes.map(async (proc) => {
      const response = await fetch(`${proc.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('wrk_http_requests_total{') && !PROBE_ROUTES.test(line))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Waits until the processes' CPU time stops moving (two readings 100 ms apart equal, at 10 ms resolution): a load
 * generator that stops leaves requests in flight, whose work would otherwise spill into the next measurement.
 */
export async function settle(processes: MeasuredProcess[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = NaN;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = processes.reduce((sum, p) => sum + p.cpuMs(), 0);
    if (now === last) return;
    last = now;
  }
}
