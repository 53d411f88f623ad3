import { approvalScopeOf, sensitiveBecause } from '../src/approvalPolicy.ts';

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

  it('holds a new user, a change of role or sign-in, and a change of team membership', () => {
    expect(sensitiveBecause({ entityType: 'User', action: 'create', after: { role: 'staff' } })).toBe('PERMISSION_OR_TOKEN_CHANGE');
    const user = { role: 'staff', authState: 'active', name: 'Sam' };
    for (const change of [{ role: 'admin' }, { authState: 'disabled' }]) {
      expect(sensitiveBecause({ entityType: 'User', action: 'update', before: user, after: { ...user, ...change } })).toBe(
        'PERMISSION_OR_TOKEN_CHANGE',
      );
    }
    expect(sensitiveBecause({ entityType: 'User', action: 'update', before: user, after: { ...user, name: 'Samuel' } })).toBeNull();
    for (const action of ['link', 'unlink'] as const) {
      expect(sensitiveBecause({ entityType: 'Team', action })).toBe('PERMISSION_OR_TOKEN_CHANGE');
    }
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

/** Who sees a held change without a target in the inbox (issue 11). */
describe('approvalScopeOf', () => {
  const operation = {
    query:
      'mutation ($org: ID!) { createContract(input: { title: "Renewal", organizationId: $org, projectId: "prj_demoplatform0001" }) { id } }',
    operationName: null,
    variables: { org: 'org_demoacme00001' },
  };
  it('is the entities a creation names', () => {
    expect(approvalScopeOf({ targetId: null, reason: 'CONTRACT_CHANGE' }, operation).sort()).toEqual(
      ['org_demoacme00001', 'prj_demoplatform0001'].sort(),
    );
  });
  it('is nothing (admins only) for a permission change, and not needed with a target', () => {
    expect(approvalScopeOf({ targetId: null, reason: 'PERMISSION_OR_TOKEN_CHANGE' }, operation)).toEqual([]);
    expect(approvalScopeOf({ targetId: 'ctr_demoacmemsa0001', reason: 'CONTRACT_CHANGE' }, operation)).toEqual([]);
  });
});
