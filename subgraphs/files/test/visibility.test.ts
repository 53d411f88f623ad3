import type { Claims } from '@wrk/platform';
import { Prisma } from '../src/__generated__/prisma/client.ts';
import { createFilesDb, type FilesDb } from '../src/db.ts';
import { boxUserOf } from '../src/boxUser.ts';
import { filesVisibility } from '../src/visibility.ts';
// The SQL rules run on a real, migrated Postgres (test/ is not a package dependency: imported by path).
import { migrate } from '../../../packages/migrate/src/index.ts';
import { freshDatabase, type TestDatabase } from '../../../test/support/databases.ts';
import { writeBoxMirror } from '../../../test/support/boxMirror.ts';

const claims = (overrides: Partial<Claims>): Claims => ({
  kind: 'staff',
  role: 'staff',
  teams: [],
  scopes: [],
  requestId: 'test',
  ...overrides,
});
const NOTHING = { id: { lt: 0 } };
const allow = ['prj_listed1', 'doc_listed1'];

describe('files visibility: the conditions per kind of caller', () => {
  it('shows anonymous callers nothing, whatever their token carries', () => {
    const anonymous = claims({ kind: 'anonymous', role: undefined, accounts: { box: '1001' } });
    const visible = filesVisibility(anonymous);
    expect(boxUserOf(anonymous)).toBeNull();
    expect(visible.everything).toBe(false);
    expect(visible.documentBase.sql).toBe('FALSE');
    expect(visible.boxItem.sql).toBe('(FALSE AND TRUE)');
    expect(visible.webhookEvent).toEqual(NOTHING);
  });

  it('lets admins and the platform see every live row, the webhook log, and skip the entity check', () => {
    for (const caller of [claims({ role: 'admin' }), claims({ kind: 'system', role: undefined })]) {
      const visible = filesVisibility(caller);
      expect(visible.everything).toBe(true);
      expect(visible.boxItem.sql).toBe('(TRUE AND TRUE)');
      expect(visible.documentBase.sql).toBe('d.archived_at IS NULL');
      expect(visible.webhookEvent).toEqual({});
      expect(visible.entityIn(['prj_any1']).sql).toBe('TRUE');
    }
  });

  it('gives a caller without a Box user no Box item, and so no document', () => {
    const visible = filesVisibility(claims({ sub: 'usr_restricted1', role: 'restricted' }));
    expect(visible.boxItem.sql).toBe('(FALSE AND TRUE)');
    expect(visible.documentBase.sql).toContain('AND FALSE)');
    expect(visible.entityIn([]).sql).toBe('FALSE');
  });

  it('narrows an allowlisted agent to the listed IDs, a document also through its entity, a chunk through both', () => {
    const visible = filesVisibility(claims({ kind: 'agent', sub: 'usr_staff1', accounts: { box: '1002' }, allow }));
    expect(visible.boxItem.sql).toMatch(/AND \(b\.external_id = ANY\(\?::text\[\]\)\)\)$/);
    expect(visible.document.sql).toMatch(/AND \(d\.external_id = ANY\(\?::text\[\]\) OR d\.entity_id = ANY\(\?::text\[\]\)\)\)$/);
    expect(visible.chunk.sql).toMatch(
      /AND \(k\.external_id = ANY\(\?::text\[\]\) OR d\.external_id = ANY\(\?::text\[\]\) OR d\.entity_id = ANY\(\?::text\[\]\)\)\)$/,
    );
  });

  it("narrows even an admin's allowlisted token, the webhook log included", () => {
    const visible = filesVisibility(claims({ kind: 'agent', role: 'admin', allow }));
    expect(visible.everything).toBe(true);
    expect(visible.boxItem.sql).toBe('(TRUE AND (b.external_id = ANY(?::text[])))');
    expect(visible.webhookEvent).toEqual({ externalId: { in: allow } });
  });
});

/**
 * The Box rule on real rows. The tree:
 *   Projects (100, owned by 1001; group 500 = {2002} editor)
 *   ├── Alpha (101; 2003 viewer)
 *   │   └── alpha.pdf (102)
 *   ├── b.pdf (103; 2004 uploader, 2005 pending viewer, 2006 expired viewer, 2007 rejected editor, 2008 previewer until next year)
 *   └── trashed.pdf (104, trashed)
 *   loose.pdf (105, at the root, owned by 2009, no collaboration)
 */
describe('files visibility: the Box rule in SQL', () => {
  let database: TestDatabase;
  let db: FilesDb;
  const day = 24 * 3600 * 1000;

  beforeAll(async () => {
    database = await freshDatabase('embedded');
    await migrate(database.url);
    db = createFilesDb(database.url);
    await writeBoxMirror(database.url, {
      items: [
        { boxItemId: '100', type: 'folder', name: 'Projects', ownerBoxUserId: '1001' },
        { boxItemId: '101', type: 'folder', name: 'Alpha', parentBoxFolderId: '100' },
        { boxItemId: '102', name: 'alpha.pdf', parentBoxFolderId: '101' },
        { boxItemId: '103', name: 'b.pdf', parentBoxFolderId: '100' },
        { boxItemId: '104', name: 'trashed.pdf', parentBoxFolderId: '100', trashedAt: new Date() },
        { boxItemId: '105', name: 'loose.pdf', ownerBoxUserId: '2009' },
      ],
      groups: [{ boxGroupId: '500', name: 'Team' }],
      memberships: [{ boxGroupId: '500', boxUserId: '2002' }],
      collaborations: [
        { boxItemId: '100', principalType: 'group', principalId: '500', role: 'editor' },
        { boxItemId: '101', principalType: 'user', principalId: '2003', role: 'viewer' },
        { boxItemId: '103', principalType: 'user', principalId: '2004', role: 'uploader' },
        { boxItemId: '103', principalType: 'user', principalId: '2005', role: 'viewer', status: 'pending' },
        { boxItemId: '103', principalType: 'user', principalId: '2006', role: 'viewer', expiresAt: new Date(Date.now() - day) },
        { boxItemId: '103', principalType: 'user', principalId: '2007', role: 'editor', status: 'rejected' },
        { boxItemId: '103', principalType: 'user', principalId: '2008', role: 'previewer', expiresAt: new Date(Date.now() + 365 * day) },
        // A group ID that happens to equal a user's ID grants that user nothing.
        { boxItemId: '105', principalType: 'group', principalId: '2003', role: 'editor' },
      ],
    });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.release();
  });

  const visibleTo = async (caller: Claims): Promise<string[]> => {
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT b.box_item_id AS id FROM "files"."box_items" b WHERE ${filesVisibility(caller).boxItem} ORDER BY b.box_item_id`;
    return rows.map((row) => row.id);
  };
  const boxUser = (boxUserId: string) => claims({ sub: `usr_${boxUserId}`, accounts: { box: boxUserId } });

  it.each([
    ['the owner of a folder sees the folder (ownership is per item)', '1001', ['100']],
    ['a group member sees the folder and everything under it, at any depth, but not a trashed item', '2002', ['100', '101', '102', '103']],
    ['a collaborator on a subfolder sees it and its content only', '2003', ['101', '102']],
    ['an uploader sees nothing', '2004', []],
    ['a pending collaborator sees nothing', '2005', []],
    ['an expired collaborator sees nothing', '2006', []],
    ['a rejected collaborator sees nothing', '2007', []],
    ['a previewer whose collaboration has not expired sees the file', '2008', ['103']],
    ['the owner of a loose file sees it', '2009', ['105']],
    ['a Box user nobody collaborates with sees nothing', '9999', []],
  ])('%s (%s)', async (_, boxUserId, expected) => {
    expect(await visibleTo(boxUser(boxUserId))).toEqual(expected);
  });

  it('lets an agent see what its user sees, within its allowlist', async () => {
    const [alpha] = await db.boxItem.findMany({ where: { boxItemId: '102' } });
    const agent = claims({ kind: 'agent', sub: 'usr_2002', accounts: { box: '2002' }, allow: [alpha!.externalId] });
    expect(await visibleTo(agent)).toEqual(['102']);
  });

  it('shows admins every item, trashed ones included', async () => {
    expect(await visibleTo(claims({ role: 'admin' }))).toEqual(['100', '101', '102', '103', '104', '105']);
  });

  it('shows a document only with a Box item the caller sees and an entity; one without either to admins only', async () => {
    const items = await db.boxItem.findMany({ where: { boxItemId: { in: ['102', '105'] } }, orderBy: { boxItemId: 'asc' } });
    const by = { actor: 'test', sourceSystem: 'test' };
    await db.projectDocument.createMany({
      data: [
        { externalId: 'doc_alpha0001', title: 'alpha', entityId: 'prj_alpha0001', boxItemId: items[0]!.id, ...by },
        { externalId: 'doc_loose0001', title: 'loose', entityId: 'prj_alpha0001', boxItemId: items[1]!.id, ...by },
        { externalId: 'doc_nobox0001', title: 'no box item', entityId: 'prj_alpha0001', ...by },
        { externalId: 'doc_noent0001', title: 'no entity', boxItemId: items[0]!.id, ...by },
      ],
    });
    const documentsFor = async (caller: Claims) => {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT d.external_id AS id FROM "files"."project_documents" d WHERE ${filesVisibility(caller).document} ORDER BY d.external_id`;
      return rows.map((row) => row.id).sort();
    };
    expect(await documentsFor(boxUser('2003'))).toEqual(['doc_alpha0001']);
    expect(await documentsFor(boxUser('2009'))).toEqual(['doc_loose0001']);
    expect(await documentsFor(boxUser('2004'))).toEqual([]);
    expect(await documentsFor(claims({ role: 'admin' }))).toEqual(['doc_alpha0001', 'doc_loose0001', 'doc_nobox0001', 'doc_noent0001']);
    // The entity rule comes on top for lists: only the entities core shows the caller.
    const visible = filesVisibility(boxUser('2003'));
    const rows = await db.$queryRaw<{ id: string }[]>`
      SELECT d.external_id AS id FROM "files"."project_documents" d WHERE ${visible.document} AND ${visible.entityIn([])}`;
    expect(rows).toEqual([]);
    expect(Prisma.sql`${visible.entityIn(['prj_alpha0001'])}`.values).toEqual([['prj_alpha0001']]);
  });
});
