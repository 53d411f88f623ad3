import { BoxState, DEFAULT_APP, startFakeBox, type FakeBox } from '@wrk/fake-box';
import { migrate } from '@wrk/migrate';
import type { Claims } from '@wrk/platform';
import { createBoxClient } from '@wrk/subgraph-files/box/client';
import { fullSync } from '@wrk/subgraph-files/box/fullSync';
import { anchorEvents, incrementalSync } from '@wrk/subgraph-files/box/incrementalSync';
import { createFilesDb, type FilesDb } from '@wrk/subgraph-files/db';
import { filesVisibility } from '@wrk/subgraph-files/visibility';
import { freshDatabase, type TestDatabase } from '../support/databases.ts';

// search_chunks (what searchDocuments reads) is derived data kept by triggers. Through a real sync against the fake
// Box API and document writes, it must stay equal to its definition, and its permission filter must let every Box
// user read exactly the chunks that the rule on kb_index, project_documents and box_items (visibility.ts) lets them.

const ENTITY = 'prj_searchindex01';

/** Two departments of nested folders with files; group, user, pending, expired and uploader collaborations. */
function buildOrganisation(): BoxState {
  const state = new BoxState({ now: () => new Date('2026-11-30T10:00:00Z') });
  const users = Array.from({ length: 6 }, (_, i) => state.addUser({ name: `User ${i}`, login: `user${i}@example.com` }));
  const group = state.addGroup({ name: 'Readers' });
  state.addGroupMember(group.id, users[0]?.id ?? '');
  state.addGroupMember(group.id, users[1]?.id ?? '');
  for (let d = 0; d < 2; d++) {
    const dept = state.createFolder({ name: `Department ${d}`, parentId: '0' });
    if (d === 0) state.addCollaboration({ itemId: dept.id, accessibleBy: { type: 'group', id: group.id }, role: 'viewer' });
    for (let p = 0; p < 3; p++) {
      const project = state.createFolder({ name: `Project ${d}.${p}`, parentId: dept.id, ownerId: users[(d + p) % users.length]?.id });
      const sub = state.createFolder({ name: `Sub ${d}.${p}`, parentId: project.id });
      const who = users[2 + p]?.id ?? '';
      if (p === 0) state.addCollaboration({ itemId: project.id, accessibleBy: { type: 'user', id: who }, role: 'editor' });
      if (p === 1)
        state.addCollaboration({ itemId: project.id, accessibleBy: { type: 'user', id: who }, role: 'viewer', status: 'pending' });
      if (p === 2) state.addCollaboration({ itemId: sub.id, accessibleBy: { type: 'user', id: who }, role: 'uploader' });
      for (let f = 0; f < 4; f++) {
        const file = state.uploadFile({ name: `doc ${d}.${p}.${f}.txt`, parentId: f % 2 ? sub.id : project.id, content: `text ${f}` });
        if (f === 3) state.addCollaboration({ itemId: file.id, accessibleBy: { type: 'user', id: users[5]?.id ?? '' }, role: 'previewer' });
      }
    }
  }
  return state;
}

let database: TestDatabase;
let db: FilesDb;
let box: FakeBox;
let state: BoxState;
const client = () =>
  createBoxClient({
    retryBaseSeconds: 0.05,
    apiBase: box.url,
    clientId: DEFAULT_APP.clientId,
    clientSecret: DEFAULT_APP.clientSecret,
    enterpriseId: state.enterpriseId,
  });
const sync = () => incrementalSync(db, client(), { streamType: 'admin_logs_streaming' });
const named = (name: string) => {
  const found = [...state.items.values()].find((item) => item.name === name && item.status === 'active');
  if (!found) throw new Error(`no ${name}`);
  return found;
};

/** A staff member with this Box user, optionally an agent narrowed to an allowlist. */
const caller = (boxUserId: string, allow?: string[]): Claims => ({
  kind: 'staff',
  role: 'staff',
  sub: `usr_search${boxUserId}`,
  accounts: { box: boxUserId },
  teams: [],
  scopes: [],
  requestId: 'search-index',
  ...(allow ? { allow } : {}),
});

/** The table equals its definition, row for row (rows missing or stale either way show up). */
async function expectTableMatchesDefinition(): Promise<void> {
  const [difference] = await db.$queryRaw<{ missing: bigint; stale: bigint }[]>`
    WITH definition AS (
      SELECT k.id AS chunk_id, k.external_id AS chunk_external_id, d.id AS document_id, d.external_id AS document_external_id,
             d.entity_id, b.box_item_id, b.owner_box_user_id, coalesce(b.trashed_at IS NULL AND b.item_status = 'active', false) AS live,
             ARRAY(SELECT ab.id FROM files.box_item_ancestors a JOIN files.box_items ab ON ab.box_item_id = a.ancestor_box_id
                    WHERE a.item_box_id = b.box_item_id ORDER BY ab.id) AS access,
             k.search_vector::text AS search_vector
        FROM files.kb_index k JOIN files.project_documents d ON d.id = k.document_id LEFT JOIN files.box_items b ON b.id = d.box_item_id
       WHERE k.archived_at IS NULL AND d.archived_at IS NULL),
    stored AS (
      SELECT chunk_id, chunk_external_id, document_id, document_external_id, entity_id, box_item_id, owner_box_user_id, live,
             ARRAY(SELECT x FROM unnest(access) x ORDER BY x) AS access, search_vector::text AS search_vector
        FROM files.search_chunks)
    SELECT (SELECT count(*) FROM (SELECT * FROM definition EXCEPT SELECT * FROM stored) m) AS missing,
           (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM definition) s) AS stale`;
  expect({ missing: Number(difference?.missing), stale: Number(difference?.stale) }).toEqual({ missing: 0, stale: 0 });
}

/** For every Box user (and an agent with an allowlist): the search filter's chunks are the chunk rule's. */
async function expectSameChunksForEveryone(): Promise<number> {
  const someDocuments = await db.projectDocument.findMany({ orderBy: { id: 'asc' }, take: 3 });
  const callers = [
    ...[...state.users.keys()].map((id) => caller(id)),
    caller(
      state.users.keys().next().value ?? '',
      someDocuments.map((document) => document.externalId),
    ),
  ];
  let visible = 0;
  for (const claims of callers) {
    const rule = filesVisibility(claims);
    const expected = await db.$queryRaw<{ id: number }[]>`
      SELECT k.id FROM files.kb_index k JOIN files.project_documents d ON d.id = k.document_id WHERE ${rule.chunk} ORDER BY k.id`;
    const actual = await db.$queryRaw<{ id: number }[]>`
      SELECT s.chunk_id AS id FROM files.search_chunks s WHERE ${rule.searchChunk} ORDER BY s.chunk_id`;
    expect({ user: claims.accounts?.box, allow: claims.allow, ids: actual.map((row) => row.id) }).toEqual({
      user: claims.accounts?.box,
      allow: claims.allow,
      ids: expected.map((row) => row.id),
    });
    visible += expected.length;
  }
  return visible;
}

async function expectConsistent(): Promise<void> {
  await expectTableMatchesDefinition();
  // The comparison means something: some callers read some chunks.
  expect(await expectSameChunksForEveryone()).toBeGreaterThan(0);
}

beforeAll(async () => {
  database = await freshDatabase('embedded');
  await migrate(database.url);
  db = createFilesDb(database.url);
  state = buildOrganisation();
  box = await startFakeBox({ state });
  await fullSync(db, client(), {});
  await anchorEvents(db, client(), 'admin_logs_streaming');
  // A document with one chunk on every file (one without an entity), written as the application writes them.
  await db.$executeRaw`
    INSERT INTO files.project_documents (external_id, entity_id, box_item_id, title, actor, source_system)
    SELECT 'doc_srchidx' || lpad(b.id::text, 6, '0'), CASE WHEN b.name = 'doc 0.0.0.txt' THEN NULL ELSE ${ENTITY} END, b.id, b.name, 'test', 'test'
      FROM files.box_items b WHERE b.box_item_type = 'file'`;
  await db.$executeRaw`
    INSERT INTO files.kb_index (external_id, document_id, chunk_index, content, actor, source_system)
    SELECT 'kb_srchidx' || lpad(d.id::text, 6, '0'), d.id, 0, 'quarterly payment schedule ' || d.title, 'test', 'test'
      FROM files.project_documents d`;
}, 120_000);

afterAll(async () => {
  await box?.stop();
  await db?.$disconnect();
  await database?.release();
});

describe('search_chunks', () => {
  it("is ranked on sessions that scan from the table's start without parallel workers (the candidate cap's order)", async () => {
    // Several statements at once: each pooled connection, not only the first, must have the settings.
    const settings = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          db.$queryRaw<{ seqscans: string; workers: string }[]>`
          SELECT current_setting('synchronize_seqscans') AS seqscans, current_setting('max_parallel_workers_per_gather') AS workers
            FROM pg_sleep(0.05)`,
      ),
    );
    expect(settings.flat()).toEqual(Array.from({ length: 6 }, () => ({ seqscans: 'off', workers: '0' })));
  });

  it('holds every live chunk after a full sync, with the reads of the chunk rule', async () => {
    const [count] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM files.search_chunks`;
    expect(Number(count?.n)).toBe(24);
    await expectConsistent();
  });

  it('follows moves, renames, trashes, restores, deletes, collaboration and group changes applied by the sync', async () => {
    const user = (name: string) => [...state.users.values()].find((u) => u.name === name)?.id ?? '';
    const [first, second, third] = [user('User 0'), user('User 1'), user('User 2')];
    const group = [...state.groups.keys()][0] ?? '';
    // A project moves from the group's department to the other one, and another comes the other way.
    state.move(named('Project 0.1').id, named('Department 1').id);
    state.move(named('Project 1.2').id, named('Department 0').id);
    state.rename(named('Sub 0.0').id, 'Sub renamed');
    const trashed = named('Project 0.2');
    state.trash(trashed.id);
    const restored = named('Project 1.0');
    state.trash(restored.id);
    state.restore(restored.id);
    state.delete(named('doc 1.1.0.txt').id);
    const pending = [...state.collaborations.values()].find((c) => c.status === 'pending');
    if (pending) state.updateCollaboration(pending.id, { status: 'accepted' });
    const onGroup = [...state.collaborations.values()].find((c) => c.accessibleBy.type === 'group');
    if (onGroup) state.removeCollaboration(onGroup.id);
    state.addCollaboration({ itemId: named('Department 1').id, accessibleBy: { type: 'group', id: group }, role: 'viewer' });
    state.removeGroupMember(group, first ?? '');
    state.addGroupMember(group, third ?? '');
    state.addCollaboration({
      itemId: named('Sub 1.1').id,
      accessibleBy: { type: 'user', id: second ?? '' },
      role: 'viewer',
      expiresAt: new Date('2026-01-01T00:00:00Z'),
    });
    state.eventDisorder = { duplicate: true, reverse: true };
    await sync();
    state.eventDisorder = {};
    await expectConsistent();
    // The trashed project's chunks are not live; the restored one's are.
    const live = async (folder: string) =>
      db.$queryRaw<{ live: boolean }[]>`
        SELECT s.live FROM files.search_chunks s JOIN files.box_item_ancestors a ON a.item_box_id = s.box_item_id
         WHERE a.ancestor_box_id = ${folder}`;
    expect((await live(restored.id)).map((row) => row.live)).toEqual([true, true, true, true]);
    expect((await live(trashed.id)).map((row) => row.live)).toEqual([false, false, false, false]);
  }, 120_000);

  it('follows document and chunk writes: entity, Box item, archive, content', async () => {
    const documents = await db.projectDocument.findMany({ orderBy: { id: 'asc' } });
    const [a, b, c, d] = documents;
    if (!a || !b || !c || !d) throw new Error('no documents');
    await db.projectDocument.update({ where: { id: a.id }, data: { entityId: null } });
    await db.projectDocument.update({ where: { id: b.id }, data: { archivedAt: new Date() } });
    await db.projectDocument.update({ where: { id: c.id }, data: { boxItemId: d.boxItemId } });
    await db.projectDocument.update({ where: { id: d.id }, data: { boxItemId: null } });
    const chunks = await db.kbChunk.findMany({ orderBy: { id: 'asc' }, take: 6 });
    await db.kbChunk.update({ where: { id: chunks[4]?.id ?? 0 }, data: { archivedAt: new Date() } });
    await db.kbChunk.update({ where: { id: chunks[5]?.id ?? 0 }, data: { content: 'an entirely different text' } });
    await db.kbChunk.delete({ where: { id: chunks[3]?.id ?? 0 } });
    await expectConsistent();
    await db.projectDocument.update({ where: { id: b.id }, data: { archivedAt: null } });
    await expectConsistent();
  });

  it('recomputes everything when the closure is emptied and rebuilt', async () => {
    const closure = await db.boxItemAncestor.findMany();
    await db.$executeRaw`TRUNCATE files.box_item_ancestors`;
    const [left] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM files.search_chunks WHERE cardinality(access) > 0`;
    expect(Number(left?.n)).toBe(0);
    await expectTableMatchesDefinition();
    await db.boxItemAncestor.createMany({ data: closure });
    await expectConsistent();
  });
});
