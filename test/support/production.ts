/**
 * The production shape for tests: each subgraph and the gateway in a process of its own (PORT, DATABASE_URL,
 * NODE_ENV=production, a keys directory holding only its own private key), the gateway serving the committed
 * supergraph.graphql — the same code `pnpm start` runs in one process. Faults are injected by signalling one
 * process (SIGSTOP, SIGKILL, SIGTERM) and starting it again on the same port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@wrk/devdb';
import { startStack } from '@wrk/app';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { issueToken } from '@wrk/subgraph-identity/tokens';
import { freshDatabase, type TestDatabase } from './databases.ts';

export const repoRoot = new URL('../../', import.meta.url).pathname;
export const SERVICES = ['gateway', 'identity', 'core', 'files', 'agents'] as const;
export type Service = (typeof SERVICES)[number];
const SUBGRAPHS = ['identity', 'core', 'files', 'agents'] as const;
export const SCRIPTS: Record<Service, string> = {
  gateway: 'gateway/src/main.ts',
  identity: 'subgraphs/identity/src/main.ts',
  core: 'subgraphs/core/src/main.ts',
  files: 'subgraphs/files/src/main.ts',
  agents: 'subgraphs/agents/src/main.ts',
};

/** What an operator does: `pnpm keys generate`, then each process gets its own private key and every public key. */
export function keysDirPerService(): Record<Service, string> {
  const root = mkdtempSync(join(tmpdir(), 'wrk-prod-keys-'));
  const all = join(root, 'all');
  const generated = spawnSync('node', ['--import', 'tsx', 'catalog/src/cli/keys.ts', 'generate', all], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`pnpm keys generate failed: ${generated.stderr}`);
  const dirs = Object.fromEntries(SERVICES.map((service) => [service, join(root, service)])) as Record<Service, string>;
  for (const service of SERVICES) {
    mkdirSync(dirs[service], { mode: 0o700 });
    for (const file of readdirSync(all).filter((name) => name.endsWith('.pub.pem') || name === `${service}.key.pem`)) {
      copyFileSync(join(all, file), join(dirs[service], file));
    }
  }
  return dirs;
}

/** Polls `url` until it answers 2xx (for `timeoutMs`); fails early with the process's output when it exits. */
export async function waitForHealth(url: string, child: ChildProcess, output: string[], timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`${url} exited:\n${output.join('')}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy:\n${output.join('')}`);
}

export interface ServiceProcess {
  readonly port: number;
  readonly url: string;
  /** The running child (replaced by `start`). */
  child: ChildProcess | undefined;
  /** Everything the process printed, stdout and stderr. */
  readonly output: string[];
  /** Starts it (again) on the same port and waits for /health. */
  start(): Promise<void>;
  /** Sends a signal and, unless it is SIGSTOP/SIGCONT, waits for the exit; resolves to the exit code. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

export interface ProductionStack {
  database: TestDatabase;
  gatewayUrl: string;
  services: Record<Service, ServiceProcess>;
  /** A bearer token for a demo user (admin by default), or for an agent of theirs with scopes and an allowlist. */
  token(email?: string, request?: TokenRequestOptions): Promise<string>;
  stop(): Promise<void>;
}

/** One operation that reaches every subgraph: identity (`me`), core, and files and agents through the links. */
const WARM_UP = `{
  me { email }
  contracts(first: 5) { nodes { id links { to { __typename id ... on BoxItem { name } ... on AgentRun { status } } } } }
}`;

/**
 * Sends WARM_UP until it is answered without errors (at most WARM_UP_MS), as a deployment's smoke test would before
 * traffic: a fresh process's first request (keys, pools, Prisma's first queries) can outlast the subgraph timeout on a
 * loaded machine, and the tests are about what happens after start. Best effort: a stack that is still cold is used.
 */
const WARM_UP_MS = 60_000;
async function warmUp(gatewayUrl: string, token: string): Promise<void> {
  for (const deadline = Date.now() + WARM_UP_MS; Date.now() < deadline;) {
    const answered = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: WARM_UP }),
    })
      .then((response) => response.json() as Promise<{ errors?: unknown[] }>)
      .then(
        (body) => !body.errors,
        () => false,
      );
    if (answered) return;
  }
}

/** What an agent token is narrowed to (staff tokens need none). */
export interface TokenRequestOptions {
  agentName?: string;
  scopes?: string[];
  allow?: string[];
}

export interface ProductionOptions {
  /** Extra environment for every process, or per service. */
  env?: Record<string, string | undefined>;
  envOf?: Partial<Record<Service, Record<string, string | undefined>>>;
  /** Environment for the files process: the Box webhook key an operator sets (production generates none). */
  boxWebhookKey?: string;
  /** A database of the test's own (e.g. an embedded Postgres it stops and restarts); a fresh one otherwise. */
  database?: TestDatabase;
  /** How long a process may take to answer /health (several gateway workers start in parallel on a loaded machine). */
  healthTimeoutMs?: number;
}

/** Migrates and seeds a fresh database, then starts the four subgraphs and the gateway as separate processes. */
export async function startProductionStack(kind: TestDatabase['kind'], options: ProductionOptions = {}): Promise<ProductionStack> {
  const database = options.database ?? (await freshDatabase(kind));
  // Migrations and demo data, as a deployment's release step would apply them.
  await (await startStack({ databaseUrl: database.url, worker: false })).stop();

  const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<
    Service,
    number
  >;
  const urls = Object.fromEntries(SUBGRAPHS.map((name) => [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[name]}/graphql`]));
  const keys = keysDirPerService();
  const boxWebhookKey = options.boxWebhookKey ?? randomBytes(24).toString('base64url');

  const signalled = new WeakSet<ChildProcess>();
  const serviceProcess = (service: Service): ServiceProcess => {
    const port = ports[service];
    const proc: ServiceProcess = {
      port,
      url: `http://127.0.0.1:${port}`,
      child: undefined,
      output: [],
      async start() {
        const child = spawn('node', ['--import', 'tsx', SCRIPTS[service]], {
          cwd: repoRoot,
          env: {
            ...process.env,
            ...urls,
            PORT: String(port),
            DATABASE_URL: database.url,
            LOG_LEVEL: 'warn',
            NODE_ENV: 'production',
            WRK_KEYS_DIR: keys[service],
            BOX_WEBHOOK_PRIMARY_KEY: service === 'files' ? boxWebhookKey : undefined,
            ...options.env,
            ...options.envOf?.[service],
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk) => proc.output.push(String(chunk)));
        child.stderr.on('data', (chunk) => proc.output.push(String(chunk)));
        // A process that ends without being signalled by the test is a failure to explain: its last words go to the log.
        child.once('exit', (code, signal) => {
          if (!signalled.has(child))
            console.error(`${service} exited unexpectedly (${signal ?? code}):\n${proc.output.join('').slice(-4000)}`);
        });
        proc.child = child;
        await waitForHealth(`${proc.url}/health`, child, proc.output, options.healthTimeoutMs);
      },
      async signal(signal) {
        const { child } = proc;
        if (!child) return null;
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        const exited = once(child, 'exit');
        if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') signalled.add(child);
        child.kill(signal);
        if (signal === 'SIGSTOP' || signal === 'SIGCONT') return null;
        const [code] = (await exited) as [number | null];
        return code;
      },
    };
    return proc;
  };
  const services = Object.fromEntries(SERVICES.map((service) => [service, serviceProcess(service)])) as Record<Service, ServiceProcess>;
  await Promise.all(SUBGRAPHS.map((service) => services[service].start()));
  await services.gateway.start();

  const identity = createIdentityDb(database.url);
  const issue = async (email: string, request: TokenRequestOptions = {}) => {
    const user = await identity.user.findUniqueOrThrow({ where: { email } });
    return (await identity.$transaction((tx) => issueToken(tx, { user, ...request }, { actor: 'test', sourceSystem: 'test' }))).token;
  };
  await warmUp(`${services.gateway.url}/graphql`, await issue('admin@wrk.demo'));
  return {
    database,
    gatewayUrl: `${services.gateway.url}/graphql`,
    services,
    token: (email = 'admin@wrk.demo', request = {}) => issue(email, request),
    async stop() {
      await identity.$disconnect();
      await Promise.all(
        SERVICES.map(async (service) => {
          const { child } = services[service];
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          signalled.add(child);
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          await once(child, 'exit');
        }),
      );
      await database.release();
    },
  };
}
