import { WebhooksManager } from 'box-node-sdk/managers';
import type { BoxClient } from 'box-node-sdk';
import { startFakeBox, BoxState, deliver, boxTime, type FakeBox } from '../src/index.ts';
import { ccgClient, statusOf } from './helpers.ts';
import { startReceiver } from './receiver.ts';

describe('webhooks', () => {
  let fake: FakeBox;
  let client: BoxClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const state = new BoxState();
    ids.top = state.createFolder({ name: 'Top', parentId: '0' }).id;
    ids.sub = state.createFolder({ name: 'Sub', parentId: ids.top }).id;
    ids.other = state.createFolder({ name: 'Other', parentId: '0' }).id;
    ids.file = state.uploadFile({ name: 'a.txt', parentId: ids.top, content: 'a' }).id;
    fake = await startFakeBox({ state, webhooks: { retryDelaysMs: [5, 5, 5] } });
    client = ccgClient(fake);
  });
  afterAll(() => fake.stop());

  test('CRUD: create, list, get, update, delete; folder 0 → 400, duplicate → 409, bad triggers → 400, missing → 404', async () => {
    const address = 'https://wrk.example.com/webhooks/box';
    const created = await client.webhooks.createWebhook({ target: { id: ids.top, type: 'folder' }, address, triggers: ['FILE.UPLOADED'] });
    expect(created).toMatchObject({ target: { id: ids.top, type: 'folder' }, address, triggers: ['FILE.UPLOADED'] });
    expect(
      await statusOf(client.webhooks.createWebhook({ target: { id: '0', type: 'folder' }, address, triggers: ['FILE.UPLOADED'] })),
    ).toBe(400);
    expect(
      await statusOf(client.webhooks.createWebhook({ target: { id: ids.top, type: 'folder' }, address, triggers: ['FILE.TRASHED'] })),
    ).toBe(409);
    expect(
      await statusOf(
        client.webhooks.createWebhook({ target: { id: ids.file, type: 'file' }, address, triggers: ['COLLABORATION.CREATED'] }),
      ),
    ).toBe(400);
    expect(
      await statusOf(client.webhooks.createWebhook({ target: { id: '999', type: 'folder' }, address, triggers: ['FILE.UPLOADED'] })),
    ).toBe(404);
    const list = await client.webhooks.getWebhooks();
    expect(list.entries?.map((w) => w.id)).toEqual([created.id]);
    const updated = await client.webhooks.updateWebhookById(created.id ?? '', {
      requestBody: { triggers: ['FILE.UPLOADED', 'FILE.TRASHED'] },
    });
    expect(updated.triggers).toEqual(['FILE.UPLOADED', 'FILE.TRASHED']);
    expect((await client.webhooks.getWebhookById(created.id ?? '')).triggers).toEqual(['FILE.UPLOADED', 'FILE.TRASHED']);
    await client.webhooks.deleteWebhookById(created.id ?? '');
    expect(await statusOf(client.webhooks.getWebhookById(created.id ?? ''))).toBe(404);
  });

  test('a change under a folder webhook is delivered signed as Box signs it: the SDK validates it', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await client.webhooks.createWebhook({
        target: { id: ids.top, type: 'folder' },
        address: receiver.url,
        triggers: ['FILE.UPLOADED', 'FILE.RENAMED'],
      });
      const file = fake.state.uploadFile({ name: 'deep.txt', parentId: ids.sub ?? '', content: 'deep' });
      fake.state.uploadFile({ name: 'elsewhere.txt', parentId: ids.other ?? '', content: 'x' });
      fake.state.rename(file.id, 'deeper.txt');
      await fake.webhookSender.idle();
      expect(receiver.received.length).toBe(2);
      const [first, second] = receiver.received;
      const payload = JSON.parse(first?.body ?? '{}');
      expect(payload).toMatchObject({
        type: 'webhook_event',
        trigger: 'FILE.UPLOADED',
        webhook: { id: hook.id, type: 'webhook' },
        created_by: { type: 'user' },
        source: { type: 'file', id: file.id, name: 'deep.txt', parent: { id: ids.sub } },
      });
      expect(JSON.parse(second?.body ?? '{}')).toMatchObject({ trigger: 'FILE.RENAMED', additional_info: { old_name: 'deep.txt' } });
      expect(first?.headers).toMatchObject({
        'box-signature-version': '1',
        'box-signature-algorithm': 'HmacSHA256',
        'user-agent': 'Box-WH-Client/0.1',
      });
      expect(first?.headers['box-delivery-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      const { primary, secondary } = fake.webhookKeys;
      expect(await WebhooksManager.validateMessage(first?.body ?? '', first?.headers ?? {}, primary, { secondaryKey: secondary })).toBe(
        true,
      );
      expect(
        await WebhooksManager.validateMessage(first?.body ?? '', first?.headers ?? {}, 'wrong-primary', { secondaryKey: secondary }),
      ).toBe(true);
      expect(
        await WebhooksManager.validateMessage(first?.body ?? '', first?.headers ?? {}, 'wrong-primary', { secondaryKey: 'wrong' }),
      ).toBe(false);
      expect(await WebhooksManager.validateMessage(`${first?.body ?? ''} `, first?.headers ?? {}, primary)).toBe(false);
      await client.webhooks.deleteWebhookById(hook.id ?? '');
    } finally {
      await receiver.stop();
    }
  });

  test('non-2xx answers are retried with a new delivery id and the same payload id', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    try {
      const hook = await client.webhooks.createWebhook({
        target: { id: ids.other, type: 'folder' },
        address: receiver.url,
        triggers: ['FOLDER.CREATED'],
      });
      fake.state.createFolder({ name: 'New', parentId: ids.other ?? '' });
      await fake.webhookSender.idle();
      expect(receiver.received.length).toBe(3);
      const payloadIds = new Set(receiver.received.map((r) => JSON.parse(r.body).id));
      const deliveryIds = new Set(receiver.received.map((r) => r.headers['box-delivery-id']));
      expect(payloadIds.size).toBe(1);
      expect(deliveryIds.size).toBe(3);
      expect(fake.webhookSender.sent.filter((d) => d.webhookId === hook.id).map((d) => d.status)).toEqual([500, 503, 200]);
      await client.webhooks.deleteWebhookById(hook.id ?? '');
    } finally {
      await receiver.stop();
    }
  });

  test('copies: each event delivered several times at once, same payload id, new delivery ids; timeouts are retried', async () => {
    const receiver = await startReceiver();
    const silent = await startReceiver();
    silent.hang = true;
    try {
      fake.webhookSender.configure({ copies: 3, timeoutMs: 500, retryDelaysMs: [5] });
      const hook = await client.webhooks.createWebhook({
        target: { id: ids.other, type: 'folder' },
        address: receiver.url,
        triggers: ['FOLDER.RENAMED'],
      });
      const slow = await client.webhooks.createWebhook({
        target: { id: ids.sub, type: 'folder' },
        address: silent.url,
        triggers: ['FOLDER.RENAMED'],
      });
      fake.state.rename(ids.other ?? '', 'Other (renamed)');
      fake.webhookSender.configure({ copies: 1 });
      fake.state.rename(ids.sub ?? '', 'Sub (renamed)');
      await fake.webhookSender.idle();
      expect(receiver.received.length).toBe(3);
      expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
      expect(new Set(receiver.received.map((r) => r.headers['box-delivery-id'])).size).toBe(3);
      const timedOut = fake.webhookSender.sent.filter((d) => d.webhookId === slow.id);
      expect(timedOut.map((d) => [d.attempt, d.status])).toEqual([
        [0, 0],
        [1, 0],
      ]);
      expect(silent.received.length).toBe(2);
      await client.webhooks.deleteWebhookById(hook.id ?? '');
      await client.webhooks.deleteWebhookById(slow.id ?? '');
    } finally {
      fake.webhookSender.configure({ copies: 1, timeoutMs: undefined, retryDelaysMs: [5, 5, 5] });
      await receiver.stop();
      await silent.stop();
    }
  });

  test('deliver() sends forged, stale, future and tampered deliveries that the SDK refuses', async () => {
    const receiver = await startReceiver();
    const keys = { primary: 'p-key', secondary: 's-key' };
    const payload = { type: 'webhook_event', id: 'evt-1', trigger: 'FILE.UPLOADED', source: { type: 'file', id: '1' } };
    try {
      await deliver(payload, { url: receiver.url, keys });
      await deliver(payload, { url: receiver.url, keys: { primary: 'forged' } });
      await deliver(payload, { url: receiver.url, keys, timestamp: new Date(Date.now() - 11 * 60_000) });
      await deliver(payload, { url: receiver.url, keys, timestamp: boxTime(new Date(Date.now() + 120_000)) });
      await deliver(payload, { url: receiver.url, keys, signedBody: JSON.stringify({ ...payload, id: 'evt-2' }) });
      const replay = await deliver(payload, { url: receiver.url, keys, deliveryId: 'same-delivery' });
      expect(replay).toEqual({ status: 200, deliveryId: 'same-delivery', body: 'ok' });
      const verdicts = await Promise.all(
        receiver.received.map((r) => WebhooksManager.validateMessage(r.body, r.headers, keys.primary, { secondaryKey: keys.secondary })),
      );
      expect(verdicts).toEqual([true, false, false, false, false, true]);
      const unicode = { ...payload, source: { type: 'file', id: '2', name: 'Zürich/Plan – 2026.md' } };
      await deliver(unicode, { url: receiver.url, keys, escaped: true });
      const escaped = receiver.received[receiver.received.length - 1];
      expect(escaped?.body).toContain('Z\\u00fcrich\\/Plan \\u2013 2026.md');
      expect(JSON.parse(escaped?.body ?? '{}')).toEqual(unicode);
      expect(await WebhooksManager.validateMessage(escaped?.body ?? '', escaped?.headers ?? {}, keys.primary)).toBe(true);
      // The SDK's fallback re-escapes a plain body PHP-style: it agrees with our escaping. Other re-serialisations fail.
      expect(await WebhooksManager.validateMessage(JSON.stringify(unicode), escaped?.headers ?? {}, keys.primary)).toBe(true);
      expect(await WebhooksManager.validateMessage(JSON.stringify(unicode, null, 1), escaped?.headers ?? {}, keys.primary)).toBe(false);
      const refused = await deliver(payload, { url: 'http://127.0.0.1:1/nowhere', keys });
      expect(refused.status).toBe(0);
    } finally {
      await receiver.stop();
    }
  });
});
