import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BoxClient } from 'box-node-sdk';
import { DEFAULT_APP, startFakeBox, type FakeBox, type SigningKeys } from '@wrk/fake-box';
import { DEMO_BOX, createDemoBox } from '@wrk/demo/box';
import { boxConfigFromEnv, createBoxClient, type BoxConfig } from '@wrk/subgraph-files/box/client';
import { RUNNING_FAKE_BOX_FILE } from '@wrk/subgraph-files/box/config';
import type { FilesDb } from '@wrk/subgraph-files/db';
import { BOX_QUEUE, BOX_SYNC_EVENTS, BOX_SYNC_FULL } from '@wrk/subgraph-files/box/jobs';
import { fullSyncKey } from '@wrk/subgraph-files/box/fullSync';
import type { RunningWorker } from '@wrk/worker';

/**
 * The Box that WRK mirrors: real Box when BOX_* credentials are set, else a local fake Box API serving the demo
 * organisation (regenerated deterministically on every start, so the mirror and the fake agree across restarts).
 */
export interface BoxRuntime {
  config: BoxConfig;
  client: BoxClient;
  /** The local fake, when no real Box is configured. */
  fake?: FakeBox;
  stop(): Promise<void>;
}

export async function startBox(options: { announce: boolean; webhookKeys?: SigningKeys }): Promise<BoxRuntime> {
  const real = boxConfigFromEnv();
  if (real) return { config: real, client: createBoxClient(real), stop: async () => undefined };
  const fake = await startFakeBox({
    state: createDemoBox(),
    port: Number(process.env.BOX_FAKE_PORT ?? 0),
    // Its webhooks' deliveries are signed with the keys WRK verifies with.
    webhooks: options.webhookKeys ? { keys: options.webhookKeys } : undefined,
  });
  const config: BoxConfig = {
    apiBase: fake.url,
    clientId: DEFAULT_APP.clientId,
    clientSecret: DEFAULT_APP.clientSecret,
    enterpriseId: DEMO_BOX.enterpriseId,
  };
  if (options.announce) {
    mkdirSync(dirname(RUNNING_FAKE_BOX_FILE), { recursive: true });
    writeFileSync(RUNNING_FAKE_BOX_FILE, `${JSON.stringify(config)}\n`, { mode: 0o600 });
    process.once('exit', () => rmSync(RUNNING_FAKE_BOX_FILE, { force: true }));
  }
  return {
    config,
    client: createBoxClient(config),
    fake,
    async stop() {
      await fake.stop();
      if (options.announce) rmSync(RUNNING_FAKE_BOX_FILE, { force: true });
    },
  };
}

/**
 * Queues the sync: a full sync unless one has finished (or one is to be resumed), then the events job, which
 * reschedules itself. A fake Box is a new Box on every start: its event stream starts over, so the stored
 * position is forgotten (the full sync anchors a new one).
 */
export async function scheduleBoxSync(db: FilesDb, worker: RunningWorker, box: BoxRuntime): Promise<void> {
  if (box.fake) await db.boxSyncState.deleteMany({ where: { key: { startsWith: 'events:' } } });
  const state = await db.boxSyncState.findUnique({ where: { key: fullSyncKey('0') } });
  if (!state?.finishedAt || box.fake) await worker.addJob(BOX_SYNC_FULL, {}, { queueName: BOX_QUEUE, jobKey: BOX_SYNC_FULL });
  await worker.addJob(BOX_SYNC_EVENTS, {}, { queueName: BOX_QUEUE, jobKey: BOX_SYNC_EVENTS });
}
