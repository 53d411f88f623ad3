import { BoxClient, BoxCcgAuth, CcgConfig } from 'box-node-sdk';
import { NetworkSession, BaseUrls } from 'box-node-sdk/networking';
import { startFakeBox, DEFAULT_APP, type BoxState, type Item } from '@wrk/fake-box';
import { createDemoBox, DEMO_BOX } from '../src/box.ts';
import { DEMO } from '../src/index.ts';

function shape(state: BoxState): string[] {
  return [...state.items.values()].map(
    (i) => `${i.id}|${i.type}|${i.name}|${i.parentId}|${i.ownerId}|${i.modifiedAt.toISOString()}|${i.content?.toString() ?? ''}`,
  );
}

function depth(state: BoxState, item: Item): number {
  return state.ancestors(item).length;
}

describe("the demo organisation's Box", () => {
  test("is deterministic, a few hundred items deep enough, with the fixtures' Box items", () => {
    const state = createDemoBox();
    expect(shape(createDemoBox())).toEqual(shape(state));
    const items = [...state.items.values()].filter((i) => i.id !== '0');
    expect(items.length).toBeGreaterThanOrEqual(200);
    expect(items.length).toBeLessThan(1000);
    expect(Math.max(...items.map((i) => depth(state, i)))).toBeGreaterThanOrEqual(5);
    expect(state.item(DEMO_BOX.folders.contracts)).toMatchObject({ type: 'folder', name: 'Acme Contracts', parentId: '0' });
    expect(state.item(DEMO_BOX.files.acmeMsa)).toMatchObject({
      type: 'file',
      name: 'Acme MSA 2026.pdf',
      parentId: DEMO_BOX.folders.contracts,
    });
    expect(DEMO_BOX.externalIds[DEMO_BOX.files.acmeMsa]).toBe(DEMO.boxItems.acmeMsaFile);
    expect(state.user(DEMO_BOX.users.staff)).toMatchObject({ name: 'Sam Staff', login: 'staff@wrk.demo' });
    const collabs = [...state.collaborations.values()];
    expect(collabs.some((c) => c.status === 'pending')).toBe(true);
    expect(collabs.some((c) => c.expiresAt !== null && c.expiresAt < new Date())).toBe(true);
    expect(collabs.some((c) => c.accessibleBy.type === 'group')).toBe(true);
    expect(new Set(collabs.map((c) => c.role)).size).toBeGreaterThanOrEqual(5);
  });

  test('is served to the SDK: texts to search, collaborations and group members', async () => {
    const fake = await startFakeBox({ state: createDemoBox() });
    try {
      const base = fake.url;
      const auth = new BoxCcgAuth({
        config: new CcgConfig({
          clientId: DEFAULT_APP.clientId,
          clientSecret: DEFAULT_APP.clientSecret,
          enterpriseId: DEMO_BOX.enterpriseId,
        }),
      });
      const client = new BoxClient({
        auth,
        networkSession: new NetworkSession({
          baseUrls: new BaseUrls({ baseUrl: base, uploadUrl: `${base}/api`, oauth2Url: `${base}/oauth2` }),
        }),
      });
      const root = await client.folders.getFolderItems('0');
      expect(root.entries?.map((e) => e.name)).toEqual(['Acme Contracts', 'Archive', 'Board', 'Finance', 'Northwind', 'Projects']);
      const chunks: Buffer[] = [];
      for await (const chunk of (await client.downloads.downloadFile(DEMO_BOX.files.acmeMsa)) as AsyncIterable<Buffer>) chunks.push(chunk);
      expect(Buffer.concat(chunks).toString()).toContain('EUR 120,000.00, invoiced quarterly in advance and payable net 30');
      const collabs = await client.listCollaborations.getFolderCollaborations(DEMO_BOX.folders.summit);
      expect(collabs.entries?.map((c) => [c.accessibleBy?.id, c.role, c.status])).toEqual([
        [DEMO_BOX.users.events, 'editor', 'accepted'],
        [DEMO_BOX.users.staff, 'viewer uploader', 'accepted'],
        [DEMO_BOX.users.restricted, 'editor', 'pending'],
        [DEMO_BOX.users.finance, 'viewer', 'accepted'],
      ]);
      const legal = await client.memberships.getGroupMemberships(DEMO_BOX.groups.legal);
      expect(legal.entries?.map((m) => m.user?.id)).toEqual([DEMO_BOX.users.admin, DEMO_BOX.users.legal]);
    } finally {
      await fake.stop();
    }
  });
});
