import { createServer, request, type Server } from 'node:http';
import { BoxState, DEFAULT_APP, boxTime, startFakeBox, type FakeBox } from '@wrk/fake-box';
import { migrate } from '@wrk/migrate';
import { createFilesDb, type FilesDb } from '@wrk/subgraph-files/db';
import { createBoxClient } from '@wrk/subgraph-files/box/client';
import { fullSync } from '@wrk/subgraph-files/box/fullSync';
import { anchorEvents, incrementalSync } from '@wrk/subgraph-files/box/incrementalSync';
import { listFolderPage } from '@wrk/subgraph-files/box/reads';
import { CHUNK_CHARS, chunkText, syncDocumentTexts } from '@wrk/subgraph-files/box/text';
import { boxExternalId, upsertItems, type MirrorItem } from '@wrk/subgraph-files/box/mirror';
import { freshDatabase, type TestDatabase } from '../support/databases.ts';

// The Box sync against the fake Box API, through the real box-node-sdk over HTTP, into a real Postgres.

const BIG = 5_000;

/** A tree of more than 5,000 items: departments › projects › files, one folder that needs paging, a deep chain. */
function buildOrganisation(): BoxState {
  const state = new BoxState({ now: () => new Date('2026-11-30T10:00:00Z') });
  const users = Array.from({ length: 12 }, (_, i) => state.addUser({ name: `User ${i}`, login: `user${i}@example.com` }));
  const groups = Array.from({ length: 3 }, (_, i) => state.addGroup({ name: `Group ${i}` }));
  users.forEach((user, i) => {
    const group = groups[i % groups.length];
    if (group && i < 9) state.addGroupMember(group.id, user.id);
  });
  const at = (i: number) => users[i % users.length]?.id ?? state.serviceAccountId;
  let count = 0;
  for (let d = 0; d < 8; d++) {
    const dept = state.createFolder({ name: `Department ${d}`, parentId: '0' });
    count++;
    state.addCollaboration({ itemId: dept.id, accessibleBy: { type: 'group', id: groups[d % 3]?.id ?? '' }, role: 'viewer' });
    for (let p = 0; p < 10; p++) {
      const project = state.createFolder({ name: `Project ${d}.${p}`, parentId: dept.id, ownerId: at(p) });
      count++;
      if (p % 3 === 0) state.addCollaboration({ itemId: project.id, accessibleBy: { type: 'user', id: at(p + 1) }, role: 'editor' });
      if (p % 4 === 1)
        state.addCollaboration({
          itemId: project.id,
          accessibleBy: { type: 'user', id: at(p + 2) },
          role: 'viewer',
          status: 'pending',
          expiresAt: new Date('2027-01-01T00:00:00Z'),
        });
      for (let f = 0; f < 55; f++) {
        const file = state.uploadFile({ name: `doc ${d}.${p}.${f}.txt`, parentId: project.id, content: `text ${d} ${p} ${f}` });
        count++;
        if (f === 0) state.addCollaboration({ itemId: file.id, accessibleBy: { type: 'user', id: at(f + d) }, role: 'previewer' });
        if (f === 1) state.setSharedLink(file.id, { access: 'company', effectivePermission: 'can_preview' });
      }
    }
  }
  const archive = state.createFolder({ name: 'Archive', parentId: '0' });
  for (let f = 0; f < 700; f++) state.uploadFile({ name: `old ${f}.txt`, parentId: archive.id, content: `old ${f}` });
  count += 701;
  let parent = '0';
  for (let depth = 0; depth < 14; depth++) parent = state.createFolder({ name: `Level ${depth}`, parentId: parent }).id;
  count += 14;
  if (count < BIG) throw new Error(`the organisation has only ${count} items`);
  return state;
}

interface Row {
  box_item_id: string;
  box_item_type: string;
  name: string;
  parent_box_folder_id: string | null;
  etag: string | null;
  sequence_id: string | null;
  item_status: string;
  size_bytes: bigint | null;
  modified_at: Date | null;
  owner_box_user_id: string | null;
  shared_link: unknown;
  trashed_at: Date | null;
  path: string;
  external_id: string;
}

/** The mirror equals the fake: every active item's fields, path and closure; collaborations; groups and members. */
async function expectMirrorMatches(db: FilesDb, state: BoxState): Promise<void> {
  const rows = await db.$queryRaw<Row[]>`SELECT *, box_item_type::text AS box_item_type FROM files.box_items`;
  const byId = new Map(rows.map((r) => [r.box_item_id, r]));
  const active = [...state.items.values()].filter((i) => i.status === 'active');
  const expectedRows = active.map((item) => {
    const ancestors = state.ancestors(item);
    const seq = item.id === '0' ? null : String(item.version);
    return {
      box_item_id: item.id,
      box_item_type: item.type,
      name: item.name,
      parent_box_folder_id: item.parentId,
      etag: seq,
      sequence_id: seq,
      item_status: 'active',
      size_bytes: item.type === 'file' ? BigInt(item.content?.length ?? 0) : null,
      modified_at: new Date(boxTime(item.modifiedAt)),
      owner_box_user_id: item.ownerId,
      shared_link: item.sharedLink ? { access: item.sharedLink.access, url: item.sharedLink.url } : null,
      trashed_at: null,
      path: ancestors.map((a) => `/${a.name}`).join(''),
      external_id: boxExternalId(item.type, item.id),
    };
  });
  const actualRows = active.map((item) => {
    const row = byId.get(item.id);
    if (!row) return { box_item_id: item.id, missing: true };
    const link = row.shared_link && typeof row.shared_link === 'object' ? Object.fromEntries(Object.entries(row.shared_link)) : null;
    return {
      ...row,
      shared_link: link ? { access: link.access, url: link.url } : null,
      box_item_type: row.box_item_type,
      synced_at: undefined,
      created_at: undefined,
      updated_at: undefined,
      id: undefined,
      actor: undefined,
      source_system: undefined,
      permissions: undefined,
    };
  });
  expect(actualRows).toEqual(expectedRows);
  // Nothing else is active in the mirror.
  const activeIds = new Set(active.map((i) => i.id));
  expect(rows.filter((r) => r.item_status === 'active' && !activeIds.has(r.box_item_id)).map((r) => r.box_item_id)).toEqual([]);

  // The closure: every (item, ancestor, depth) of every active item, the item itself at depth 0.
  const closure = await db.$queryRaw<{ item_box_id: string; ancestor_box_id: string; depth: number }[]>`
    SELECT c.item_box_id, c.ancestor_box_id, c.depth FROM files.box_item_ancestors c
      JOIN files.box_items i ON i.box_item_id = c.item_box_id WHERE i.item_status = 'active'`;
  const expectedClosure = active.flatMap((item) => {
    const chain = [...state.ancestors(item), item];
    return chain.map((a, i) => `${item.id}<${a.id}@${chain.length - 1 - i}`);
  });
  expect(closure.map((c) => `${c.item_box_id}<${c.ancestor_box_id}@${c.depth}`).sort()).toEqual(expectedClosure.sort());

  const collaborations = await db.boxCollaboration.findMany();
  // Box keeps the collaborations of trashed items (a restore brings them back) and drops those of deleted ones.
  const expectedCollaborations = [...state.collaborations.values()]
    .filter((c) => state.items.get(c.itemId)?.status !== 'deleted')
    .map((c) => ({
      id: c.id,
      item: c.itemId,
      principal: `${c.accessibleBy.type}:${c.accessibleBy.id}`,
      role: c.role,
      status: c.status,
      expiresAt: c.expiresAt ? new Date(boxTime(c.expiresAt)).toISOString() : null,
      isAccessOnly: c.isAccessOnly,
    }));
  const actualCollaborations = collaborations.map((c) => ({
    id: c.boxCollaborationId,
    item: c.boxItemId,
    principal: `${c.principalType}:${c.principalId}`,
    role: c.role,
    status: c.status,
    expiresAt: c.expiresAt?.toISOString() ?? null,
    isAccessOnly: c.isAccessOnly,
  }));
  const byKey = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  expect(actualCollaborations.sort(byKey)).toEqual(expectedCollaborations.sort(byKey));

  const memberships = await db.boxGroupMembership.findMany();
  expect(memberships.map((m) => `${m.boxMembershipId}:${m.boxGroupId}:${m.boxUserId}:${m.role}`).sort()).toEqual(
    [...state.memberships.values()].map((m) => `${m.id}:${m.groupId}:${m.userId}:${m.role}`).sort(),
  );
  const groups = await db.boxGroup.findMany();
  expect(groups.map((g) => `${g.boxGroupId}:${g.name}`).sort()).toEqual([...state.groups.values()].map((g) => `${g.id}:${g.name}`).sort());
  // Every owner, collaborator and member is a known user, by name.
  const users = new Map((await db.boxUser.findMany()).map((u) => [u.boxUserId, u.name]));
  const named = [
    ...active.map((i) => i.ownerId),
    ...expectedCollaborations.filter((c) => c.principal.startsWith('user:')).map((c) => c.principal.slice(5)),
    ...[...state.memberships.values()].map((m) => m.userId),
  ];
  for (const id of new Set(named)) expect([id, users.get(id)]).toEqual([id, state.users.get(id)?.name]);
}

async function auditRows(db: FilesDb): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM platform.audit_logs`;
  return Number(row?.n ?? 0);
}

async function clearMirror(db: FilesDb): Promise<void> {
  await db.$executeRaw`TRUNCATE files.box_items, files.box_item_ancestors, files.box_collaborations, files.box_users,
    files.box_groups, files.box_group_memberships, files.box_sync_state, files.box_sync_seen CASCADE`;
}

let database: TestDatabase;
let db: FilesDb;
let box: FakeBox;
let state: BoxState;
// A short backoff of its own, so that only Box's retry-after can explain a wait of seconds.
const clientFor = (apiBase: string, timeoutMs?: number) =>
  createBoxClient({
    retryBaseSeconds: 0.05,
    apiBase,
    clientId: DEFAULT_APP.clientId,
    clientSecret: DEFAULT_APP.clientSecret,
    enterpriseId: state.enterpriseId,
    timeoutMs,
  });

beforeAll(async () => {
  database = await freshDatabase('embedded');
  await migrate(database.url);
  db = createFilesDb(database.url);
  state = buildOrganisation();
  box = await startFakeBox({ state });
}, 120_000);

afterAll(async () => {
  await box?.stop();
  await db?.$disconnect();
  await database?.release();
});

describe('full sync', () => {
  it('mirrors a tree of more than 5,000 items exactly, paging folders by marker', async () => {
    const client = clientFor(box.url);
    const result = await fullSync(db, client, { pageSize: 250 });
    expect(result.complete).toBe(true);
    expect(result.items).toBeGreaterThanOrEqual(BIG);
    // The 700-item folder took three pages.
    const archive = [...state.items.values()].find((i) => i.name === 'Archive');
    const archivePages = box.requests.filter((r) => r.path === `/2.0/folders/${archive?.id}/items`);
    expect(archivePages.map((r) => Boolean(r.query.marker))).toEqual([false, true, true]);
    await expectMirrorMatches(db, state);
    expect(await auditRows(db)).toBe(0);
  }, 300_000);

  it('changes nothing when run again: no row written, no audit row', async () => {
    const stamps = async () =>
      (await db.boxItem.findMany({ select: { boxItemId: true, updatedAt: true, syncedAt: true } }))
        .map((r) => `${r.boxItemId}:${r.updatedAt.toISOString()}:${r.syncedAt.toISOString()}`)
        .sort();
    const collabStamps = async () =>
      (await db.boxCollaboration.findMany()).map((c) => `${c.boxCollaborationId}:${c.syncedAt.toISOString()}`).sort();
    const before = [await stamps(), await collabStamps()];
    const result = await fullSync(db, clientFor(box.url), { pageSize: 250 });
    expect(result).toMatchObject({ complete: true, changes: 0, deleted: 0 });
    expect([await stamps(), await collabStamps()]).toEqual(before);
    expect(await auditRows(db)).toBe(0);
  }, 300_000);

  it('resumes after an interruption and ends where an uninterrupted run does', async () => {
    await clearMirror(db);
    const controller = new AbortController();
    let pages = 0;
    const first = await fullSync(db, clientFor(box.url), {
      pageSize: 250,
      signal: controller.signal,
      onProgress: () => {
        if (++pages === 12) controller.abort();
      },
    });
    expect(first.complete).toBe(false);
    expect(first.items).toBeLessThan(BIG);
    const listed = box.requests.length;
    const second = await fullSync(db, clientFor(box.url), { pageSize: 250 });
    expect(second).toMatchObject({ complete: true, resumed: true });
    expect(first.items + second.items).toBeLessThan(BIG + 1000); // it went on, it did not start over
    // The resumed run did not list again the folders the first one had finished.
    const relisted = box.requests.slice(listed).filter((r) => r.path === '/2.0/folders/0/items');
    expect(relisted).toEqual([]);
    await expectMirrorMatches(db, state);
  }, 300_000);
});

describe('incremental sync', () => {
  it('applies renames, moves, trashes, restores, deletes, collaboration and membership changes, twice and out of order', async () => {
    const client = clientFor(box.url);
    await anchorEvents(db, client, 'admin_logs_streaming');
    const key = 'events:admin_logs_streaming';
    const anchored = (await db.boxSyncState.findUnique({ where: { key } }))?.streamPosition ?? '';
    const folder = (name: string) => {
      const found = [...state.items.values()].find((i) => i.name === name && i.status === 'active');
      if (!found) throw new Error(`no ${name}`);
      return found;
    };
    const project = folder('Project 1.1');
    const otherDept = folder('Department 2');
    const file = folder('doc 3.3.3.txt');
    const trashed = folder('Project 4.4');
    const restored = folder('Project 5.5');
    const deleted = folder('Project 6.6');
    state.rename(folder('Department 1').id, 'Department One');
    state.move(project.id, otherDept.id);
    state.rename(file.id, 'renamed.txt');
    state.trash(trashed.id);
    state.trash(restored.id);
    state.restore(restored.id);
    state.delete(deleted.id);
    const created = state.createFolder({ name: 'New', parentId: project.id });
    state.uploadFile({ name: 'new.txt', parentId: created.id, content: 'new' });
    const collab = [...state.collaborations.values()].find((c) => c.status === 'accepted' && c.accessibleBy.type === 'user');
    const pending = [...state.collaborations.values()].find((c) => c.status === 'pending');
    if (!collab || !pending) throw new Error('no collaborations');
    state.updateCollaboration(collab.id, { role: 'co-owner' });
    state.updateCollaboration(pending.id, { status: 'accepted' });
    const removed = [...state.collaborations.values()].find((c) => c.accessibleBy.type === 'group');
    if (removed) state.removeCollaboration(removed.id);
    state.addCollaboration({ itemId: project.id, accessibleBy: { type: 'group', id: [...state.groups.keys()][0] ?? '' }, role: 'editor' });
    const member = [...state.memberships.values()][0];
    if (member) state.removeGroupMember(member.groupId, member.userId);
    const outsider = [...state.users.values()].find((u) => ![...state.memberships.values()].some((m) => m.userId === u.id));
    if (outsider) state.addGroupMember([...state.groups.keys()][1] ?? '', outsider.id);
    state.eventDisorder = { duplicate: true, reverse: true };

    const result = await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    expect(result.duplicates).toBeGreaterThan(0);
    await expectMirrorMatches(db, state);
    const statusOf = async (id: string) => (await db.boxItem.findUnique({ where: { boxItemId: id } }))?.itemStatus;
    expect(await statusOf(trashed.id)).toBe('trashed');
    expect(await statusOf(deleted.id)).toBe('deleted');
    expect(await statusOf(restored.id)).toBe('active');
    expect(await auditRows(db)).toBe(0);

    // Applying the same events again (the stream replayed from the older position) changes nothing.
    const position = (await db.boxSyncState.findUnique({ where: { key } }))?.streamPosition;
    await db.boxSyncState.update({ where: { key }, data: { streamPosition: anchored } });
    const again = await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    expect(again.changes).toBe(0);
    expect(again.position).toBe(position);
    await expectMirrorMatches(db, state);
    state.eventDisorder = {};

    // A folder trashed and, in a later pass, restored: its content is trashed with it and comes back with it.
    const later = folder('Project 7.7');
    const inside = state.children(later)[0];
    state.trash(later.id);
    await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    expect([await statusOf(later.id), await statusOf(inside?.id ?? '')]).toEqual(['trashed', 'trashed']);
    state.restore(later.id);
    await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    expect([await statusOf(later.id), await statusOf(inside?.id ?? '')]).toEqual(['active', 'active']);
    await expectMirrorMatches(db, state);
  }, 300_000);
});

describe('document text', () => {
  it("re-chunks a document's Box file into kb_index when its etag changes, and only then", async () => {
    const client = clientFor(box.url);
    const file = [...state.items.values()].find((i) => i.type === 'file' && i.status === 'active');
    const row = await db.boxItem.findUnique({ where: { boxItemId: file?.id ?? '' } });
    if (!file || !row) throw new Error('no mirrored file');
    const document = await db.projectDocument.create({
      data: { externalId: 'doc_boxsynctest01', boxItemId: row.id, title: 'Text test', actor: 'test', sourceSystem: 'test' },
    });
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${'words of the paragraph '.repeat(10 + i)}`.trim());
    state.uploadVersion(file.id, paragraphs.join('\n\n'));
    await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    const chunks = await db.kbChunk.findMany({ where: { documentId: document.id }, orderBy: { chunkIndex: 'asc' } });
    expect(chunks.map((c) => c.content)).toEqual(chunkText(paragraphs.join('\n\n')));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.content.length <= CHUNK_CHARS)).toBe(true);
    expect(chunks.map((c) => c.content).join('\n\n')).toBe(paragraphs.join('\n\n'));

    // The same etag: nothing downloaded, nothing written.
    const downloads = () => box.requests.filter((r) => r.path === `/2.0/files/${file.id}/content`).length;
    const before = downloads();
    await syncDocumentTexts(db, client);
    expect(downloads()).toBe(before);
    const shorter = paragraphs.slice(0, 2).join('\n\n');
    state.uploadVersion(file.id, shorter);
    await incrementalSync(db, client, { streamType: 'admin_logs_streaming' });
    const after = await db.kbChunk.findMany({ where: { documentId: document.id, archivedAt: null }, orderBy: { chunkIndex: 'asc' } });
    expect(after.map((c) => c.content)).toEqual(chunkText(shorter));
    expect(after[0]?.externalId).toBe(chunks[0]?.externalId);
    // The chunks past the new end are archived, not deleted: facts and links may cite them.
    const archived = await db.kbChunk.findMany({ where: { documentId: document.id, archivedAt: { not: null } } });
    expect(archived.map((c) => c.externalId).sort()).toEqual(
      chunks
        .slice(after.length)
        .map((c) => c.externalId)
        .sort(),
    );
  }, 120_000);
});

describe('the mirror', () => {
  it('never lets an older state of an item overwrite a newer one, and writes nothing for the same state', async () => {
    const item = (sequenceId: string, name: string): MirrorItem => ({
      boxId: '777000000001',
      type: 'file',
      name,
      parentId: '777000000000',
      modifiedAt: null,
      etag: sequenceId,
      sequenceId,
      itemStatus: 'active',
      sizeBytes: 1,
      ownerId: null,
      sharedLink: null,
      trashedAt: null,
    });
    const write = (state: MirrorItem) => db.$transaction((tx) => upsertItems(tx, [state]));
    await write({ ...item('1', 'Parent'), boxId: '777000000000', type: 'folder', parentId: null, sizeBytes: null });
    expect(await write(item('5', 'newer.txt'))).toBe(1);
    expect(await write(item('4', 'older.txt'))).toBe(0);
    expect(await write(item('5', 'newer.txt'))).toBe(0);
    expect((await db.boxItem.findUnique({ where: { boxItemId: '777000000001' } }))?.name).toBe('newer.txt');
    expect(await write(item('6', 'newest.txt'))).toBe(1);
    expect((await db.boxItem.findUnique({ where: { boxItemId: '777000000001' } }))?.path).toBe('/Parent');

    // A row written before the sync (the seed, createBoxItem) keeps its ID and is placed in the tree when Box's state arrives.
    await db.boxItem.create({
      data: {
        externalId: 'box_seededbeforesync',
        boxItemId: '777000000002',
        boxItemType: 'file',
        name: 'seeded.txt',
        parentBoxFolderId: '777000000000',
        etag: '9',
        sequenceId: '9',
        actor: 'seed',
        sourceSystem: 'seed',
      },
    });
    expect(await write({ ...item('1', 'from-box.txt'), boxId: '777000000002' })).toBe(1);
    const seeded = await db.boxItem.findUnique({ where: { boxItemId: '777000000002' } });
    expect([seeded?.externalId, seeded?.name, seeded?.path, seeded?.sourceSystem]).toEqual([
      'box_seededbeforesync',
      'from-box.txt',
      '/Parent',
      'box-sync',
    ]);
    const closure = await db.boxItemAncestor.findMany({ where: { itemBoxId: '777000000002' }, orderBy: { depth: 'asc' } });
    expect(closure.map((c) => `${c.ancestorBoxId}@${c.depth}`)).toEqual(['777000000002@0', '777000000000@1']);
  });
});

/** A loopback proxy in front of the fake that stamps when each request reached it (the server's view of the gaps). */
async function stampingProxy(
  target: string,
): Promise<{ url: string; seen: { path: string; at: number; status: number }[]; server: Server }> {
  const seen: { path: string; at: number; status: number }[] = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      seen.push({ path: (req.url ?? '').split('?')[0] ?? '', at, status: answer.statusCode ?? 0 });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, seen, server };
}

describe('the Box client', () => {
  it('waits as long as retry-after says before retrying a 429', async () => {
    const proxy = await stampingProxy(box.url);
    try {
      box.failNext({ path: /^\/2\.0\/folders\/0\/items$/, status: 429, retryAfter: 2 });
      const page = await listFolderPage(clientFor(proxy.url), '0', null, 10);
      expect(page.items.length).toBeGreaterThan(0);
      const calls = proxy.seen.filter((s) => s.path === '/2.0/folders/0/items');
      expect(calls.map((c) => c.status)).toEqual([429, 200]);
      const [limited, retried] = calls;
      expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(2000);
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  }, 60_000);

  it('gives up on a call Box does not answer within the timeout', async () => {
    box.delayNext({ path: /^\/2\.0\/folders\/0\/items$/, ms: 2_000, times: 3 });
    await expect(listFolderPage(clientFor(box.url, 300), '0', null, 10)).rejects.toThrow(/timeout/i);
  }, 60_000);
});
