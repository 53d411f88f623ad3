/**
 * The production shape: each subgraph in its own process (PORT, DATABASE_URL, NODE_ENV=production, its own keys
 * directory holding only its own private key), and the gateway in its own, serving the committed
 * supergraph.graphql — the same code `pnpm start` runs in one process.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEMO } from '@wrk/demo';
import { deliveryHeaders } from '@wrk/fake-box';
import { databaseKinds, type TestDatabase } from '../support/databases.ts';
import { repoRoot, startProductionStack, type ProductionStack } from '../support/production.ts';
import { postGraphQL } from '../support/stack.ts';

const [kind] = databaseKinds();
/** The Box app's webhook signature key, as an operator sets it (production generates none). */
const BOX_WEBHOOK_KEY = randomBytes(24).toString('base64url');

function runAlone(script: string, env: Record<string, string | undefined>) {
  return spawnSync('node', ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe(`each subgraph and the gateway in their own processes (${kind} Postgres)`, () => {
  let stack: ProductionStack;
  let database: TestDatabase;
  let gatewayUrl: string;
  let token: string;

  beforeAll(async () => {
    stack = await startProductionStack(kind!, { boxWebhookKey: BOX_WEBHOOK_KEY });
    ({ database, gatewayUrl } = stack);
    token = await stack.token();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
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
    const headers = deliveryHeaders(body, { keys: { primary: BOX_WEBHOOK_KEY } });
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
