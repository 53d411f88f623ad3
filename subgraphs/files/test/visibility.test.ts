import type { Claims } from '@wrk/platform';
import { filesVisibility } from '../src/visibility.ts';

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
const ALLOWED_PROJECTS = '(d.project_id IS NULL OR d.project_id = ANY(?::text[]))';

describe('files visibility', () => {
  it('shows anonymous callers nothing, whatever their token carries', () => {
    const visible = filesVisibility(claims({ kind: 'anonymous', role: undefined, accounts: { box: 'box_1' } }));
    expect(visible.everything).toBe(false);
    expect(visible.documentBase.sql).toBe('FALSE');
    expect(visible.boxItem.sql).toBe('(FALSE AND TRUE)');
    expect(visible.document.sql).toBe('(FALSE AND TRUE)');
    expect(visible.chunk.sql).toBe('(FALSE AND TRUE)');
    expect(visible.webhookEvent).toEqual(NOTHING);
  });

  it('lets admins and the platform see every live row, the webhook log, and skip the project check', () => {
    for (const caller of [claims({ role: 'admin' }), claims({ kind: 'system', role: undefined })]) {
      const visible = filesVisibility(caller);
      expect(visible.everything).toBe(true);
      expect(visible.boxItem.sql).toBe('(TRUE AND TRUE)');
      expect(visible.documentBase.sql).toBe('d.archived_at IS NULL');
      expect(visible.chunk.sql).toBe('(d.archived_at IS NULL AND TRUE)');
      expect(visible.webhookEvent).toEqual({});
      expect(visible.projectIn(['prj_any1']).sql).toBe('TRUE');
    }
  });

  it('shows staff the Box items whose ACL, or a folder above, names their Box user, and denies by default', () => {
    const visible = filesVisibility(claims({ sub: 'usr_staff1', accounts: { box: 'box_1' } }));
    expect(visible.everything).toBe(false);
    expect(visible.boxItem.sql).toContain('WITH RECURSIVE acl_chain');
    expect(visible.boxItem.sql).toContain("acl_entry.principal->>'principalType' = 'user'");
    expect(visible.boxItem.values).toEqual(['box_1']);
    expect(visible.documentBase.sql).toContain('d.box_item_id IS NOT NULL OR d.project_id IS NOT NULL');
    expect(visible.documentBase.sql).toContain('d.box_item_id IS NULL OR EXISTS');
    expect(visible.documentBase.values).toEqual(['box_1']);
    expect(visible.webhookEvent).toEqual(NOTHING);
    expect(visible.projectIn(['prj_visible1']).sql).toBe(ALLOWED_PROJECTS);
    expect(visible.projectIn(['prj_visible1']).values).toEqual([['prj_visible1']]);
    expect(visible.projectIn([]).sql).toBe('(d.project_id IS NULL OR FALSE)');
  });

  it('shows a restricted user without a Box user no Box item, and documents only through their project', () => {
    const visible = filesVisibility(claims({ sub: 'usr_restricted1', role: 'restricted' }));
    expect(visible.boxItem.sql).toBe('(FALSE AND TRUE)');
    expect(visible.documentBase.sql).toContain('d.box_item_id IS NULL OR EXISTS');
    expect(visible.documentBase.sql).toContain('AND FALSE)');
    expect(visible.documentBase.values).toEqual([]);
    expect(visible.projectIn(['prj_visible1']).sql).toBe(ALLOWED_PROJECTS);
  });

  it('narrows an allowlisted agent to the listed IDs, a document also through its project, a chunk through both', () => {
    const visible = filesVisibility(claims({ kind: 'agent', sub: 'usr_staff1', accounts: { box: 'box_1' }, allow }));
    expect(visible.boxItem.sql).toMatch(/AND \(b\.external_id = ANY\(\?::text\[\]\)\)\)$/);
    expect(visible.boxItem.values).toEqual(['box_1', allow]);
    expect(visible.document.sql).toMatch(/AND \(d\.external_id = ANY\(\?::text\[\]\) OR d\.project_id = ANY\(\?::text\[\]\)\)\)$/);
    expect(visible.document.values).toEqual(['box_1', allow, allow]);
    expect(visible.chunk.sql).toMatch(
      /AND \(k\.external_id = ANY\(\?::text\[\]\) OR d\.external_id = ANY\(\?::text\[\]\) OR d\.project_id = ANY\(\?::text\[\]\)\)\)$/,
    );
    expect(visible.chunk.values).toEqual(['box_1', allow, allow, allow]);
  });

  it("narrows even an admin's allowlisted token, the webhook log included", () => {
    const visible = filesVisibility(claims({ kind: 'agent', role: 'admin', allow }));
    expect(visible.everything).toBe(true);
    expect(visible.boxItem.sql).toBe('(TRUE AND (b.external_id = ANY(?::text[])))');
    expect(visible.webhookEvent).toEqual({ externalId: { in: allow } });
  });
});
