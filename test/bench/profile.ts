/**
 * `pnpm bench:profile [query] [requests]`: where the CPU of one operation goes, process by process. Starts the
 * production shape of `pnpm bench` (the four subgraphs and WRK's gateway as processes of their own, on a fresh
 * database seeded as the bench seeds it) with V8's sampling profiler on (`--cpu-prof`), sends `requests` (default
 * 300) of the operation `query` of test/bench/queries.ts (default `dashboard`) one at a time after a warm-up, stops
 * the processes and prints, per process, its CPU time per request and the self time of its busiest packages and
 * functions. The profiles stay in the printed directory for Chrome DevTools or speedscope. With NO_PROF=1 the
 * processes run without the profiler, which costs CPU of its own: the CPU per request printed is then the one to quote.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'warn';
process.env.WRK_RATE_LIMIT_TOKEN ??= String(1_000_000_000);

const { freshDatabase } = await import('../support/databases.ts');
const { repoRoot } = await import('../support/production.ts');
const { seedBenchFixture } = await import('./fixture.ts');
const { COMPARED_QUERIES, seedDashboard } = await import('./queries.ts');
const { startSubgraphFleet, startWrkGateway } = await import('./processes.ts');
const { adminToken } = await import('./compare.ts');
const { startStack } = await import('@wrk/app');

const queryKey = process.argv[2] ?? 'dashboard';
const requests = Number(process.argv[3] ?? 300);
const query = COMPARED_QUERIES.find((candidate) => candidate.key === queryKey);
if (!query) throw new Error(`no query ${queryKey}: one of ${COMPARED_QUERIES.map((q) => q.key).join(', ')}`);

/** V8 stamps samples with the monotonic clock in µs, the clock of process.hrtime: the measured window on it. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);
const window = { start: 0, end: 0 };

const profileDir = mkdtempSync(join(tmpdir(), 'wrk-profile-'));
const database = await freshDatabase(process.env.DATABASE_URL ? 'postgres' : 'embedded');
try {
  await (await startStack({ databaseUrl: database.url, worker: false })).stop();
  await seedDashboard(database.url, await seedBenchFixture(database.url, 100));
  const profiled = (name: string) => (process.env.NO_PROF ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`]);
  const fleet = await startSubgraphFleet(database.url, { nodeArgs: profiled });
  const gateway = await startWrkGateway(fleet, database.url, { nodeArgs: profiled });
  const processes = [...fleet.processes, gateway];
  try {
    const token = await adminToken(database.url);
    const send = async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: query.query }),
      });
      const answer = (await response.json()) as { errors?: unknown };
      if (!response.ok || answer.errors) throw new Error(`${response.status} ${JSON.stringify(answer).slice(0, 400)}`);
    };
    for (let i = 0; i < 50; i++) await send();
    const before = processes.map((p) => p.cpuMs());
    window.start = monotonicMicros();
    for (let i = 0; i < requests; i++) await send();
    window.end = monotonicMicros();
    const used = processes.map((p, i) => (p.cpuMs() - (before[i] ?? 0)) / requests);
    console.log(`${query.key}: ${requests} requests at c=1; CPU ms per request (warm-up excluded):`);
    processes.forEach((p, i) => console.log(`  ${p.name.padEnd(12)} ${used[i]?.toFixed(2)}`));
    console.log(`  ${'all'.padEnd(12)} ${used.reduce((a, b) => a + b, 0).toFixed(2)} (Postgres not included)`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
} finally {
  await database.release();
}

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a package under node_modules, a folder of the repo, or V8/Node's own. */
function placeOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return relative(repoRoot, path).split('/').slice(0, 3).join('/');
}

/** A frame's file: its package's name and the path in it, or its path in the repo. */
function fileOf(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  return modules >= 0 ? path.slice(modules + '/node_modules/'.length) : path.startsWith('/') ? relative(repoRoot, path) : path;
}

function summarize(file: string, top = 15): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const nameOf = (frame: ProfileNode['callFrame']) => `${frame.functionName || '(anonymous)'} ${fileOf(frame.url)}:${frame.lineNumber + 1}`;
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id)?.callFrame;
    const micros = profile.timeDeltas[i] ?? 0;
    at += micros;
    if (at < window.start || at > window.end) return;
    if (!frame || frame.functionName === '(idle)') return;
    busy += micros;
    const place = placeOf(frame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
    const name = nameOf(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const caller = nodes.get(at)?.callFrame;
      if (caller?.url) onStack.add(nameOf(caller));
    }
    for (const caller of onStack) inclusive.set(caller, (inclusive.get(caller) ?? 0) + micros);
  });
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  const rank = (map: Map<string, number>, count = top) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  if (busy === 0) return;
  console.log(`  busy ${(busy / 1000).toFixed(0)} ms sampled in the measured window; self time by place:`);
  for (const [place, micros] of rank(byPlace)) console.log(`    ${share(micros)} ${place}`);
  console.log('  by function:');
  for (const [name, micros] of rank(byFunction)) console.log(`    ${share(micros)} ${name}`);
  console.log('  by function, with what it calls:');
  for (const [name, micros] of rank(inclusive, Number(process.env.PROFILE_TOP ?? 40))) console.log(`    ${share(micros)} ${name}`);
}

console.log(`\nProfiles in ${profileDir}`);
for (const name of readdirSync(profileDir).sort()) {
  for (const file of readdirSync(join(profileDir, name)).filter((f) => f.endsWith('.cpuprofile'))) {
    console.log(`\n${name} (${file})`);
    summarize(join(profileDir, name, file));
  }
}
