/**
 * The production shape `pnpm bench` compares gateways on: the four subgraphs as separate processes, shared by every
 * side, and each gateway as one process of its own, all on one database (migrated and seeded with the demo data
 * as a release step would), each process with only its own private key. CPU time is read per process from
 * /proc/<pid>/stat, and RSS from /proc/<pid>/status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@wrk/devdb';
import { SUBGRAPHS, type SubgraphName } from '@wrk/catalog';
import { keysDirPerService, repoRoot, SCRIPTS, type Service } from '../support/production.ts';
import { processCpuMs, processRssMb } from './procStats.ts';

/** A server process the bench measures. */
export interface MeasuredProcess {
  name: string;
  url: string;
  pid: number;
  /** User + system CPU time so far, in ms. */
  cpuMs(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

export interface SubgraphFleet {
  /** Each subgraph's GraphQL endpoint. */
  urls: Record<SubgraphName, string>;
  processes: MeasuredProcess[];
  /** One keys directory per service (the gateway's holds the gateway's private key and every public key). */
  keysDirs: Record<Service, string>;
  stop(): Promise<void>;
}

/** How a server process is started: Node's options, and the checkout whose code it runs (this one by default). */
export interface StartOptions {
  port?: number;
  nodeArgs?: string[];
  root?: string;
}

/** Starts `node [nodeArgs] --import tsx <script>` in `root` on `port` (a free one by default) with `env`, and waits for its /health. */
export async function startNodeProcess(
  name: string,
  script: string,
  env: Record<string, string | undefined>,
  { port, nodeArgs = [], root = repoRoot }: StartOptions = {},
): Promise<MeasuredProcess> {
  const listenOn = port ?? (await freePort());
  const child = spawn('node', [...nodeArgs, '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env, PORT: String(listenOn) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${listenOn}`;
  await waitForHealth(`${url}/health`, child, output);
  return measured(name, url, child);
}

/** Polls `url` until it answers 2xx, for up to two minutes (a start on a loaded machine is slow); fails early when the process exits. */
async function waitForHealth(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited:\n${output.join('')}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become healthy:\n${output.join('')}`);
}

/** A started child as a measured process. */
export function measured(name: string, url: string, child: ChildProcess): MeasuredProcess {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  return {
    name,
    url,
    pid,
    cpuMs: () => processCpuMs(pid),
    rssMb: () => processRssMb(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The environment that tells a process where each subgraph is (IDENTITY_URL, CORE_URL, …; see ownerUrlsFromEnv). */
export const ownerUrlEnv = (urls: Record<SubgraphName, string>) =>
  Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_URL`, urls[name]]));

/** How the processes of a fleet are started: Node's options by process name (the profiler's, say), and the checkout. */
export interface FleetOptions {
  nodeArgs?: (name: string) => string[];
  root?: string;
}

/** The four subgraphs, each in its own process, on `databaseUrl` (already migrated). */
export async function startSubgraphFleet(databaseUrl: string, { nodeArgs = () => [], root }: FleetOptions = {}): Promise<SubgraphFleet> {
  const keysDirs = keysDirPerService();
  const ports = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (name) => [name, await freePort()] as const)));
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`])) as Record<
    SubgraphName,
    string
  >;
  const ownerEnv = ownerUrlEnv(urls);
  const processes = await Promise.all(
    SUBGRAPHS.map((name) =>
      startNodeProcess(
        name,
        SCRIPTS[name],
        { ...ownerEnv, DATABASE_URL: databaseUrl, WRK_KEYS_DIR: keysDirs[name] },
        { port: ports[name], nodeArgs: nodeArgs(name), root },
      ),
    ),
  );
  return {
    urls,
    processes,
    keysDirs,
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** WRK's gateway as one process in front of the fleet (the committed supergraph, rate limits out of the way). */
export function startWrkGateway(
  fleet: SubgraphFleet,
  databaseUrl: string,
  { nodeArgs = () => [], root }: FleetOptions = {},
): Promise<MeasuredProcess> {
  return startNodeProcess(
    'WRK gateway',
    SCRIPTS.gateway,
    { ...ownerUrlEnv(fleet.urls), DATABASE_URL: databaseUrl, WRK_KEYS_DIR: fleet.keysDirs.gateway },
    { nodeArgs: nodeArgs('gateway'), root },
  );
}

/** The bench's floor for the hop a gateway adds: test/bench/bare-proxy.ts in front of the fleet. */
export function startBareProxy(fleet: SubgraphFleet): Promise<MeasuredProcess> {
  return startNodeProcess('bare proxy', 'test/bench/bare-proxy.ts', ownerUrlEnv(fleet.urls));
}
