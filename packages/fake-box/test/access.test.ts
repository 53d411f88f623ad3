import { BoxCcgAuth, CcgConfig, type BoxClient } from 'box-node-sdk';
import { startFakeBox, BoxState, DEFAULT_APP, type FakeBox } from '../src/index.ts';
import { ccgClient, clientWith, rawEntries, statusOf } from './helpers.ts';

describe('what users may see (effectiveRole, As-User)', () => {
  let fake: FakeBox;
  let client: BoxClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const s = new BoxState();
    s.addUser({ id: '1', name: 'Owner', login: 'o@x' });
    s.addUser({ id: '2', name: 'Grouped', login: 'g@x' });
    s.addUser({ id: '3', name: 'Pending', login: 'p@x' });
    s.addUser({ id: '4', name: 'Expired', login: 'e@x' });
    s.addUser({ id: '5', name: 'Sub only', login: 's@x' });
    const team = s.addGroup({ name: 'Team' });
    s.addGroupMember(team.id, '2');
    const top = s.createFolder({ name: 'Top', parentId: '0', ownerId: '1' });
    const mid = s.createFolder({ name: 'Mid', parentId: top.id });
    const leaf = s.uploadFile({ name: 'leaf.txt', parentId: mid.id, content: 'leaf' });
    const other = s.createFolder({ name: 'Other', parentId: top.id });
    Object.assign(ids, { team: team.id, top: top.id, mid: mid.id, leaf: leaf.id, other: other.id });
    s.addCollaboration({ itemId: top.id, accessibleBy: { type: 'group', id: team.id }, role: 'previewer' });
    s.addCollaboration({ itemId: mid.id, accessibleBy: { type: 'group', id: team.id }, role: 'editor' });
    s.addCollaboration({ itemId: top.id, accessibleBy: { type: 'user', id: '3' }, role: 'editor', status: 'pending' });
    s.addCollaboration({
      itemId: top.id,
      accessibleBy: { type: 'user', id: '4' },
      role: 'editor',
      expiresAt: new Date('2026-01-02T00:00:00Z'),
    });
    s.addCollaboration({ itemId: mid.id, accessibleBy: { type: 'user', id: '5' }, role: 'previewer' });
    fake = await startFakeBox({ state: s });
    client = ccgClient(fake);
  });
  afterAll(() => fake.stop());

  test('effectiveRole: owner, inherited and raised group roles; pending and expired grant nothing', () => {
    const role = (user: string, item: string | undefined) => fake.state.effectiveRole(user, item ?? '');
    expect(role('1', ids.leaf)).toBe('owner');
    expect(role('2', ids.top)).toBe('previewer');
    expect(role('2', ids.leaf)).toBe('editor');
    expect(role('2', ids.other)).toBe('previewer');
    expect(role('3', ids.leaf)).toBeNull();
    expect(role('4', ids.leaf)).toBeNull();
    expect(role('5', ids.top)).toBeNull();
    expect(role('5', ids.leaf)).toBe('previewer');
  });

  test('As-User: hidden items are missing, listings are filtered, folder 0 shows what is shared, previewers cannot download', async () => {
    const as5 = client.withAsUserHeader('5');
    expect(await statusOf(as5.folders.getFolderById(ids.top ?? ''))).toBe(404);
    expect((await as5.folders.getFolderItems('0')).entries?.map((e) => e.id)).toEqual([ids.mid]);
    expect((await as5.folders.getFolderItems(ids.mid ?? '')).entries?.map((e) => e.id)).toEqual([ids.leaf]);
    expect(await statusOf(as5.downloads.downloadFile(ids.leaf ?? ''))).toBe(403);
    const file = await as5.files.getFileById(ids.leaf ?? '', { queryParams: { fields: ['permissions'] } });
    expect(file.permissions).toMatchObject({ canPreview: true, canDownload: false });
    const as3 = client.withAsUserHeader('3');
    expect((await as3.folders.getFolderItems('0')).entries).toEqual([]);
    expect(await statusOf(as3.files.getFileById(ids.leaf ?? ''))).toBe(404);
    const as2 = client.withAsUserHeader('2');
    expect((await as2.folders.getFolderItems(ids.top ?? '')).entries?.map((e) => e.name)).toEqual(['Mid', 'Other']);
    expect(await statusOf(as2.downloads.downloadFile(ids.leaf ?? ''))).toBe(200);
    expect(await statusOf(client.withAsUserHeader('999').folders.getFolderItems('0'))).toBe(403);
  });

  test('a CCG token for a user subject acts as that user; an unknown user gets no token', async () => {
    const config = new CcgConfig({ clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret, userId: '5' });
    const asFive = clientWith(fake, new BoxCcgAuth({ config }));
    expect((await asFive.folders.getFolderItems('0')).entries?.map((e) => e.id)).toEqual([ids.mid]);
    const nobody = new CcgConfig({ clientId: DEFAULT_APP.clientId, clientSecret: DEFAULT_APP.clientSecret, userId: '999' });
    expect(await statusOf(clientWith(fake, new BoxCcgAuth({ config: nobody })).folders.getFolderItems('0'))).toBe(400);
  });

  test("a user's changes stream holds events of the items they can access", async () => {
    const start = String((await client.events.getEvents({ streamType: 'changes', streamPosition: 'now' })).nextStreamPosition);
    fake.state.rename(ids.other ?? '', 'Other 2');
    fake.state.rename(ids.leaf ?? '', 'leaf 2.txt');
    const seen = await client.withAsUserHeader('5').events.getEvents({ streamType: 'changes', streamPosition: start });
    expect(seen.entries?.map((e) => e.eventType)).toEqual(['ITEM_RENAME']);
    expect(rawEntries(seen)[0]?.source.id).toBe(ids.leaf);
    const all = await client.events.getEvents({ streamType: 'changes', streamPosition: start });
    expect(all.entries?.length).toBe(2);
  });
});
