/**
 * The production shape: each subgraph in its own process (PORT, DATABASE_URL, NODE_ENV=production, its own keys
 * directory holding only its own private key), and the gateway in its own, serving the committed
 * supergraph.graphql — the same code `pnpm start` runs in one process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@wrk/devdb';
import { DEMO } from '@wrk/demo';
import { startStack } from '@wrk/app';
import { createIdentityDb } from '@wrk/subgraph-identity/db';
import { issueToken } from '@wrk/subgraph-identity/tokens';
import { databaseKinds, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { postGraphQL } from '../support/stack.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const [kind] = databaseKinds();
const SERVICES = ['gateway', 'identity', 'core', 'files', 'agents'] as const;
/** The Box app's webhook signature key, as an operator sets it (production generates none). */
const BOX_WEBHOOK_KEY = randomBytes(24).toString('base64url');

/** What an operator does: `pnpm keys generate`, then each process gets its own private key and every public key. */
function keysDirPerService(): Record<(typeof SERVICES)[number], string> {
  const root = mkdtempSync(join(tmpdir(), 'wrk-prod-keys-'));
  const all = join(root, 'all');
  const generated = spawnSync('node', ['--import', 'tsx', 'catalog/src/cli/keys.ts', 'generate', all], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (generated.status !== 0) throw new Error(`pnpm keys generate failed: ${generated.stderr}`);
  const dirs = Object.fromEntries(SERVICES.map((service) => [service, join(root, service)])) as Record<(typeof SERVICES)[number], string>;
  for (const service of SERVICES) {
    mkdirSync(dirs[service], { mode: 0o700 });
    for (const file of readdirSync(all).filter((name) => name.endsWith('.pub.pem') || name === `${service}.key.pem`)) {
      copyFileSync(join(all, file), join(dirs[service], file));
    }
  }
  return dirs;
}

function runAlone(script: string, env: Record<string, string | undefined>) {
  return spawnSync('node', ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: string[]): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
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

describe(`each subgraph and the gateway in their own processes (${kind} Postgres)`, () => {
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  let gatewayUrl: string;
  let token: string;

  beforeAll(async () => {
    database = await freshDatabase(kind!);
    // Migrations and demo data, as a deployment's release step would apply them.
    await (await startStack({ databaseUrl: database.url, worker: false })).stop();

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
    const keys = keysDirPerService();
    const start = async (script: string, port: number) => {
      const output: string[] = [];
      const service = SERVICES.find((name) => script.startsWith(`${name}/`) || script.startsWith(`subgraphs/${name}/`))!;
      const child = spawn('node', ['--import', 'tsx', script], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...urls,
          PORT: String(port),
          DATABASE_URL: database.url,
          LOG_LEVEL: 'warn',
          NODE_ENV: 'production',
          WRK_KEYS_DIR: keys[service],
          BOX_WEBHOOK_PRIMARY_KEY: service === 'files' ? BOX_WEBHOOK_KEY : undefined,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk) => output.push(String(chunk)));
      child.stderr.on('data', (chunk) => output.push(String(chunk)));
      children.push(child);
      await waitForHealth(`http://127.0.0.1:${port}/health`, child, output);
    };
    await Promise.all([
      start('subgraphs/identity/src/main.ts', ports.identity),
      start('subgraphs/core/src/main.ts', ports.core),
      start('subgraphs/files/src/main.ts', ports.files),
      start('subgraphs/agents/src/main.ts', ports.agents),
    ]);
    await start('gateway/src/main.ts', ports.gateway);
    gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;

    const identity = createIdentityDb(database.url);
    const admin = await identity.user.findUniqueOrThrow({ where: { email: 'admin@wrk.demo' } });
    token = (await identity.$transaction((tx) => issueToken(tx, { user: admin }, { actor: 'test', sourceSystem: 'test' }))).token;
    await identity.$disconnect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
    await database?.release();
  });

  it('answers the cross-subgraph contracts query from separate processes', async () => {
    const result = await postGraphQL<{ contracts: { nodes: { id: string; links: { to: Record<string, unknown> | null }[] }[] } }>(
      gatewayUrl,
      `{ contracts(first: 5) { nodes { id title links { linkType to { __typename id ... on BoxItem { name } ... on AgentRun { status } } } } } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(result.errors).toBeUndefined();
    const msa = result.data!.contracts.nodes.find((contract) => contract.id === DEMO.contracts.acmeMsa)!;
    expect(msa.links.map((link) => link.to)).toEqual(
      expect.arrayContaining([
        { __typename: 'BoxItem', id: DEMO.boxItems.acmeMsaFile, name: 'Acme MSA 2026.pdf' },
        { __typename: 'AgentRun', id: DEMO.agentRuns.review, status: 'SUCCEEDED' },
      ]),
    );
  });

  it('receives a Box webhook delivery through the gateway: files, in its own process, stores it (no queue migrated here)', async () => {
    const id = `prod-${Date.now()}`;
    const body = JSON.stringify({ type: 'webhook_event', id, trigger: 'FILE.UPLOADED', source: { type: 'file', id: '42' } });
    const timestamp = new Date().toISOString();
    const headers = {
      'content-type': 'application/json',
      'box-delivery-id': randomBytes(8).toString('hex'),
      'box-delivery-timestamp': timestamp,
      'box-signature-version': '1',
      'box-signature-algorithm': 'HmacSHA256',
      'box-signature-primary': createHmac('sha256', BOX_WEBHOOK_KEY).update(body).update(timestamp).digest('base64'),
    };
    const url = gatewayUrl.replace(/\/graphql$/, '/webhooks/box');
    const answer = await fetch(url, { method: 'POST', headers, body });
    expect(answer.status).toBe(200);
    const forged = await fetch(url, { method: 'POST', headers: { ...headers, 'box-signature-primary': 'AAAA' }, body });
    expect(forged.status).toBe(401);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT trigger, processed_at FROM files.box_webhook_events WHERE box_event_id = $1', [id]);
      expect(rows).toEqual([{ trigger: 'FILE.UPLOADED', processed_at: null }]);
    } finally {
      await db.end();
    }
  });

  it('reports ready once every subgraph is', async () => {
    const ready = await fetch(gatewayUrl.replace(/\/graphql$/, '/ready'));
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it.each(['gateway/src/main.ts', 'subgraphs/core/src/main.ts'])(
    '%s refuses to start in production without its key, saying what to set',
    (script) => {
      const withoutKeys = runAlone(script, { NODE_ENV: 'production', WRK_KEYS_DIR: undefined });
      expect(withoutKeys.status).not.toBe(0);
      expect(withoutKeys.stderr).toContain('WRK_KEYS_DIR is required in production');
      const emptyDir = mkdtempSync(join(tmpdir(), 'wrk-no-keys-'));
      const withEmptyDir = runAlone(script, { NODE_ENV: 'production', WRK_KEYS_DIR: emptyDir });
      expect(withEmptyDir.status).not.toBe(0);
      expect(withEmptyDir.stderr).toMatch(/key\.pem is missing/);
    },
  );
});
