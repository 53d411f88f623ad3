import { startFakeBox, BoxState, type FakeBox } from '../src/index.ts';
import { ccgClient } from './helpers.ts';
import type { BoxClient } from 'box-node-sdk';

type Stream = 'changes' | 'admin_logs_streaming';

/** Reads a stream from a position to its end, as a sync would: pages until an empty one. */
async function drain(client: BoxClient, streamType: Stream, position: string, limit = 3) {
  const events: { id: string; type: string; source: Record<string, unknown> }[] = [];
  let next = position;
  for (;;) {
    const page = await client.events.getEvents({ streamType, streamPosition: next, limit });
    next = String(page.nextStreamPosition);
    const raw = page.rawData as { entries: { source: Record<string, unknown> }[] };
    if (!page.entries?.length) break;
    page.entries.forEach((e, i) => events.push({ id: e.eventId ?? '', type: e.eventType ?? '', source: raw.entries[i]?.source ?? {} }));
  }
  return { events, next };
}

describe('events', () => {
  let fake: FakeBox;
  let client: BoxClient;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const state = new BoxState();
    state.addUser({ id: '1001', name: 'Ada', login: 'ada@example.com' });
    ids.group = state.addGroup({ name: 'Legal' }).id;
    ids.a = state.createFolder({ name: 'A', parentId: '0' }).id;
    ids.b = state.createFolder({ name: 'B', parentId: '0' }).id;
    fake = await startFakeBox({ state });
    client = ccgClient(fake);
  });
  afterAll(() => fake.stop());

  test('now → no entries and the current position; later changes come in order with Box-shaped sources', async () => {
    const now = await client.events.getEvents({ streamType: 'changes', streamPosition: 'now' });
    expect(now.entries).toEqual([]);
    const start = String(now.nextStreamPosition);
    const s = fake.state;
    const file = s.uploadFile({ name: 'x.txt', parentId: ids.a ?? '', content: 'x' });
    s.rename(file.id, 'y.txt');
    s.move(file.id, ids.b ?? '');
    s.trash(file.id);
    s.restore(file.id);
    const collab = s.addCollaboration({ itemId: ids.b ?? '', accessibleBy: { type: 'user', id: '1001' }, role: 'viewer' });
    s.updateCollaboration(collab.id, { role: 'editor' });
    s.removeCollaboration(collab.id);
    s.addGroupMember(ids.group ?? '', '1001');
    s.removeGroupMember(ids.group ?? '', '1001');
    s.delete(file.id);

    const changes = await drain(client, 'changes', start);
    expect(changes.events.map((e) => e.type)).toEqual([
      'ITEM_UPLOAD',
      'ITEM_RENAME',
      'ITEM_MOVE',
      'ITEM_TRASH',
      'ITEM_UNDELETE_VIA_TRASH',
      'COLLAB_ADD_COLLABORATOR',
      'COLLAB_ROLE_CHANGE',
      'COLLAB_REMOVE_COLLABORATOR',
      'DELETE',
    ]);
    expect(changes.events[2]?.source).toMatchObject({ type: 'file', id: file.id, name: 'y.txt', parent: { id: ids.b } });
    expect(changes.events[1]?.source).toMatchObject({ sequence_id: '2' });
    expect(changes.events[6]?.source).toMatchObject({ type: 'collaboration', id: collab.id, role: 'editor', item: { id: ids.b } });
    expect(new Set(changes.events.map((e) => e.id)).size).toBe(9);
    const again = await client.events.getEvents({ streamType: 'changes', streamPosition: changes.next });
    expect(again.entries).toEqual([]);

    const admin = await drain(client, 'admin_logs_streaming', start, 100);
    expect(admin.events.map((e) => e.type)).toContain('GROUP_ADD_USER');
    expect(admin.events.find((e) => e.type === 'GROUP_REMOVE_USER')?.source).toMatchObject({ type: 'group', id: ids.group });
    expect(admin.events[0]?.source).toMatchObject({ item_type: 'file', item_id: file.id, item_name: 'x.txt', parent: { id: ids.a } });
    expect(typeof (await client.events.getEvents({ streamType: 'admin_logs_streaming', streamPosition: 'now' })).nextStreamPosition).toBe(
      'string',
    );
  });

  test('position 0 replays from the start; the disorder switch duplicates and reverses pages', async () => {
    const all = await drain(client, 'changes', '0', 500);
    expect(all.events[0]?.type).toBe('ITEM_CREATE');
    fake.state.eventDisorder = { duplicate: true, reverse: true };
    const page = await client.events.getEvents({ streamType: 'changes', streamPosition: '0', limit: 2 });
    fake.state.eventDisorder = {};
    expect(page.entries?.map((e) => e.eventId)).toEqual([all.events[1]?.id, all.events[1]?.id, all.events[0]?.id, all.events[0]?.id]);
    expect(Number(page.nextStreamPosition)).toBe(2);
  });
});
