import { sensitiveBecause } from '../src/approvalPolicy.ts';

/** The approval policy (issue 11): which writes by agents are held for a human, and by which rule. */
describe('sensitiveBecause', () => {
  it('holds every contract change, whatever the action', () => {
    for (const action of ['create', 'update', 'archive', 'link', 'unlink'] as const) {
      expect(sensitiveBecause({ entityType: 'Contract', action, after: { visibility: 'internal' } })).toBe('CONTRACT_CHANGE');
    }
  });

  it('holds every archive, in any subgraph', () => {
    expect(sensitiveBecause({ entityType: 'Action', action: 'archive' })).toBe('ARCHIVE');
    expect(sensitiveBecause({ entityType: 'ProjectDocument', action: 'archive' })).toBe('ARCHIVE');
  });

  it('holds every permission or token change', () => {
    expect(sensitiveBecause({ entityType: 'EntityPermission', action: 'grant' })).toBe('PERMISSION_OR_TOKEN_CHANGE');
    expect(sensitiveBecause({ entityType: 'ApiToken', action: 'create' })).toBe('PERMISSION_OR_TOKEN_CHANGE');
    expect(sensitiveBecause({ entityType: 'Team', action: 'revoke' })).toBe('PERMISSION_OR_TOKEN_CHANGE');
  });

  it('holds a write to an entity that is or becomes restricted', () => {
    expect(sensitiveBecause({ entityType: 'Project', action: 'update', before: { visibility: 'restricted' } })).toBe('RESTRICTED_ENTITY');
    expect(
      sensitiveBecause({
        entityType: 'Project',
        action: 'update',
        before: { visibility: 'internal' },
        after: { visibility: 'restricted' },
      }),
    ).toBe('RESTRICTED_ENTITY');
  });

  it('lets other writes through', () => {
    expect(sensitiveBecause({ entityType: 'Action', action: 'update', before: { visibility: 'internal' } })).toBeNull();
    expect(sensitiveBecause({ entityType: 'KnowledgeFact', action: 'create' })).toBeNull();
    expect(sensitiveBecause({ entityType: 'Project', action: 'create', after: { visibility: 'internal' } })).toBeNull();
  });
});
