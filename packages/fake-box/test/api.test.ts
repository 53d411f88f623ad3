import { randomBytes } from 'node:crypto';
import { BoxJwtAuth, JwtConfig, BoxCcgAuth, CcgConfig } from 'box-node-sdk';
import { BoxApiError } from 'box-node-sdk/box';
import { BoxRetryStrategy } from 'box-node-sdk/networking';
import { startFakeBox, makeJwtApp, DEFAULT_APP, BoxState, type FakeBox } from '../src/index.ts';
import { ccgClient, clientWith, devTokenClient, rawEntries, readText } from './helpers.ts';

/** What a rejected SDK call carried: status and Box's error code (from the body: the SDK's `code` keeps JSON quotes). */
async function failure(call: Promise<unknown>): Promise<{ status: number; code: string | undefined; body: unknown }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof BoxApiError) {
      const body: unknown = e.responseInfo.body;
      const code = body && typeof body === 'object' && 'code' in body && typeof body.code === 'string' ? body.code : undefined;
      return { status: e.responseInfo.statusCode, code, body };
    }
    throw e;
  }
  throw new Error('the call succeeded');
}

describe('authentication', () => {
  const JWT_SECRET = randomBytes(24).toString('base64url');
  const jwtApp = makeJwtApp({ clientId: 'jwt-client', clientSecret: JWT_SECRET, enterpriseId: '900000' });
  const otherKey = makeJwtApp({ clientId: 'jwt-client', clientSecret: JWT_SECRET, enterpriseId: '900000' });
  let fake: FakeBox;
  beforeAll(async () => {
    fake = await startFakeBox({
      apps: [DEFAULT_APP, { clientId: 'jwt-client', clientSecret: JWT_SECRET, jwtPublicKeys: [jwtApp.publicKeyPem] }],
      developerTokens: ['dev-token-1'],
    });
    fake.state.createFolder({ name: 'Shared', parentId: '0' });
  });
  afterAll(() => fake.stop());

  test('a developer token, CCG and JWT all list folder 0', async () => {
    const jwt = clientWith(fake, new BoxJwtAuth({ config: JwtConfig.fromConfigJsonString(jwtApp.configJson) }));
    for (const client of [devTokenClient(fake, 'dev-token-1'), ccgClient(fake), jwt]) {
      const items = await client.folders.getFolderItems('0');
      expect(items.entries?.map((e) => e.name)).toEqual(['Shared']);
    }
    const tokenCalls = fake.requests.filter((r) => r.path === '/oauth2/token');
    expect(tokenCalls.map((r) => r.status)).toEqual([200, 200]);
  });

  test('an unknown bearer gets 401 with Box error body', async () => {
    const res = await failure(devTokenClient(fake, 'nope').folders.getFolderItems('0'));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ type: 'error', status: 401, code: 'unauthorized' });
    expect(res.body).toMatchObject({ request_id: expect.any(String) });
  });

  test('a wrong client secret, enterprise or JWT key gets no token', async () => {
    const badSecret = new BoxCcgAuth({
      config: new CcgConfig({ clientId: DEFAULT_APP.clientId, clientSecret: 'wrong', enterpriseId: '900000' }),
    });
    expect((await failure(clientWith(fake, badSecret).folders.getFolderItems('0'))).status).toBe(400);
    const badEnterprise = new BoxCcgAuth({
      config: new CcgConfig({ clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret, enterpriseId: '1' }),
    });
    expect((await failure(clientWith(fake, badEnterprise).folders.getFolderItems('0'))).status).toBe(400);
    const forged = clientWith(fake, new BoxJwtAuth({ config: JwtConfig.fromConfigJsonString(otherKey.configJson) }));
    const res = await failure(forged.folders.getFolderItems('0'));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  test('an expired token makes the SDK refresh it and retry (GET → 401 → token → GET)', async () => {
    const client = ccgClient(fake);
    await client.folders.getFolderById('0');
    fake.auth.expireAll();
    const from = fake.requests.length;
    const retrying = clientWith(fake, client.auth, new BoxRetryStrategy({ maxAttempts: 2, retryBaseInterval: 0.01 }));
    await retrying.folders.getFolderById('0');
    expect(fake.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /2.0/folders/0 401',
      'POST /oauth2/token 200',
      'GET /2.0/folders/0 200',
    ]);
  });
});

describe('items', () => {
  let fake: FakeBox;
  let bigId: string;
  let subId: string;
  let fileId: string;
  beforeAll(async () => {
    const state = new BoxState();
    const big = state.createFolder({ name: 'Big', parentId: '0' });
    bigId = big.id;
    for (let i = 0; i < 30; i++) state.createFolder({ name: `sub-${String(i).padStart(3, '0')}`, parentId: big.id });
    for (let i = 0; i < 220; i++)
      state.uploadFile({ name: `doc-${String(i).padStart(3, '0')}.txt`, parentId: big.id, content: `document ${i}` });
    const sub = state.createFolder({ name: 'Deep', parentId: state.children(big)[0]?.id ?? '' });
    subId = sub.id;
    fileId = state.uploadFile({ name: 'notes.md', parentId: sub.id, content: '# Notes\nThe Acme MSA renews in August.' }).id;
    fake = await startFakeBox({ state });
  });
  afterAll(() => fake.stop());

  test('marker paging with fields walks every child once, sub-folders keep parent and modified_at in rawData', async () => {
    const client = ccgClient(fake);
    const fields = ['id', 'type', 'name', 'parent', 'modified_at', 'etag', 'sequence_id', 'item_status', 'shared_link', 'owned_by'];
    const seen: Record<string, unknown>[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client.folders.getFolderItems(bigId, { queryParams: { fields, usemarker: true, marker, limit: 100 } });
      seen.push(...rawEntries(page));
      marker = page.nextMarker ?? undefined;
      pages++;
    } while (marker);
    expect(pages).toBe(3);
    const expected = fake.state.children(fake.state.item(bigId)).map((i) => i.id);
    expect(seen.map((e) => e.id)).toEqual(expected);
    const folder = seen[0];
    expect(folder).toMatchObject({
      type: 'folder',
      parent: { id: bigId, type: 'folder' },
      item_status: 'active',
      etag: '1',
      sequence_id: '1',
    });
    expect(typeof folder?.modified_at).toBe('string');
    expect(folder).not.toHaveProperty('size');
    expect(seen[30]).toMatchObject({ type: 'file', owned_by: { type: 'user', id: fake.state.serviceAccountId }, shared_link: null });
  });

  test('offset paging reports total_count and rejects offset > 10000', async () => {
    const client = ccgClient(fake);
    const page = await client.folders.getFolderItems(bigId, { queryParams: { offset: 240, limit: 100 } });
    expect(page.totalCount).toBe(250);
    expect(page.entries?.length).toBe(10);
    const res = await failure(client.folders.getFolderItems(bigId, { queryParams: { offset: 10001 } }));
    expect(res).toMatchObject({ status: 400, body: { type: 'error', status: 400 } });
  });

  test('files and folders by id carry path_collection; content is the bytes', async () => {
    const client = ccgClient(fake);
    const file = await client.files.getFileById(fileId);
    expect(file.pathCollection?.entries?.map((e) => e.name)).toEqual(['All Files', 'Big', 'sub-000', 'Deep']);
    expect(file.parent?.id).toBe(subId);
    expect(file.size).toBe(Buffer.byteLength('# Notes\nThe Acme MSA renews in August.'));
    const folder = await client.folders.getFolderById(subId, { queryParams: { fields: ['path_collection', 'item_status'] } });
    expect(folder.pathCollection?.totalCount).toBe(3);
    expect(folder.itemStatus).toBe('active');
    expect(await readText(await client.downloads.downloadFile(fileId))).toBe('# Notes\nThe Acme MSA renews in August.');
  });

  test('missing → 404 not_found; trashed (also inside a trashed folder) → 404 trashed; restore and delete', async () => {
    const client = ccgClient(fake);
    expect(await failure(client.files.getFileById('123'))).toMatchObject({ status: 404, code: 'not_found' });
    fake.state.trash(subId);
    expect(await failure(client.folders.getFolderById(subId))).toMatchObject({ status: 404, code: 'trashed' });
    expect(await failure(client.files.getFileById(fileId))).toMatchObject({ status: 404, code: 'trashed' });
    fake.state.restore(subId);
    const restored = await client.files.getFileById(fileId);
    expect(restored.itemStatus).toBe('active');
    fake.state.delete(subId);
    expect(await failure(client.files.getFileById(fileId))).toMatchObject({ status: 404, code: 'not_found' });
  });

  test('renames bump sequence_id and etag', async () => {
    const client = ccgClient(fake);
    const before = await client.folders.getFolderById(bigId);
    fake.state.rename(bigId, 'Bigger');
    const after = await client.folders.getFolderById(bigId);
    expect(after.name).toBe('Bigger');
    expect(Number(after.sequenceId)).toBe(Number(before.sequenceId) + 1);
    expect(after.etag).not.toBe(before.etag);
  });
});

describe('collaborations, groups and users', () => {
  let fake: FakeBox;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const state = new BoxState();
    const ada = state.addUser({ id: '1001', name: 'Ada', login: 'ada@example.com', role: 'admin' });
    const bob = state.addUser({ id: '1002', name: 'Bob', login: 'bob@example.com' });
    const legal = state.addGroup({ name: 'Legal' });
    state.addGroupMember(legal.id, ada.id);
    state.addGroupMember(legal.id, bob.id, { role: 'admin' });
    const folder = state.createFolder({ name: 'Contracts', parentId: '0', ownerId: ada.id });
    const file = state.uploadFile({ name: 'msa.txt', parentId: folder.id, content: 'MSA' });
    ids.folder = folder.id;
    ids.file = file.id;
    ids.legal = legal.id;
    state.addCollaboration({ itemId: folder.id, accessibleBy: { type: 'group', id: legal.id }, role: 'viewer' });
    state.addCollaboration({ itemId: folder.id, accessibleBy: { type: 'user', id: bob.id }, role: 'editor', status: 'pending' });
    state.addCollaboration({
      itemId: folder.id,
      accessibleBy: { type: 'user', id: ada.id },
      role: 'co-owner',
      expiresAt: new Date('2026-03-01T00:00:00Z'),
    });
    state.addCollaboration({ itemId: file.id, accessibleBy: { type: 'user', id: bob.id }, role: 'viewer', isAccessOnly: true });
    fake = await startFakeBox({ state });
  });
  afterAll(() => fake.stop());

  test('folder collaborations: user and group, role, status, expiry, marker paging', async () => {
    const client = ccgClient(fake);
    const first = await client.listCollaborations.getFolderCollaborations(ids.folder ?? '', { queryParams: { limit: 2 } });
    expect(first.entries?.length).toBe(2);
    expect(first.nextMarker).toBeTruthy();
    const second = await client.listCollaborations.getFolderCollaborations(ids.folder ?? '', {
      queryParams: { limit: 2, marker: first.nextMarker ?? '' },
    });
    expect(second.nextMarker ?? null).toBeNull();
    const all = [...(first.entries ?? []), ...(second.entries ?? [])];
    expect(all.map((c) => [c.accessibleBy?.type, c.accessibleBy?.id, c.role, c.status])).toEqual([
      ['group', ids.legal, 'viewer', 'accepted'],
      ['user', '1002', 'editor', 'pending'],
      ['user', '1001', 'co-owner', 'accepted'],
    ]);
    expect(all[2]?.expiresAt?.value.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(all[0]?.item?.id).toBe(ids.folder);
    const onFile = await client.listCollaborations.getFileCollaborations(ids.file ?? '');
    expect(onFile.entries?.map((c) => [c.accessibleBy?.id, c.role, c.isAccessOnly])).toEqual([['1002', 'viewer', true]]);
  });

  test('groups, group memberships, user memberships and users', async () => {
    const client = ccgClient(fake);
    const groups = await client.groups.getGroups();
    expect(groups.entries?.map((g) => g.name)).toEqual(['Legal']);
    expect(groups.totalCount).toBe(1);
    const members = await client.memberships.getGroupMemberships(ids.legal ?? '', { queryParams: { limit: 1, offset: 1 } });
    expect(members.totalCount).toBe(2);
    expect(members.entries?.map((m) => [m.user?.id, m.role])).toEqual([['1002', 'admin']]);
    const mine = await client.memberships.getUserMemberships('1001');
    expect(mine.entries?.map((m) => m.group?.id)).toEqual([ids.legal]);
    const users = await client.users.getUsers();
    expect(users.entries?.map((u) => u.id)).toEqual(['1001', '1002', fake.state.serviceAccountId]);
    expect(await failure(client.memberships.getGroupMemberships('77'))).toMatchObject({ status: 404, code: 'not_found' });
  });
});
