import { parse } from 'graphql';
import { enforceScopes, missingScopes, requirementsOf, satisfies, scopeIndex } from '../src/scopes.ts';

const typeDefs = parse(`
  type Query { open: String secret: Secret @scopes(anyOf: [["core:read"], ["admin"]]) }
  type Secret @scopes(anyOf: [["core:read", "files:read"]]) { id: ID! }
`);

describe('@scopes', () => {
  it('is satisfied by holding every scope of one inner list', () => {
    expect(satisfies(['core:read'], [['core:read'], ['admin']])).toBe(true);
    expect(satisfies(['admin'], [['core:read'], ['admin']])).toBe(true);
    expect(satisfies(['core:read'], [['core:read', 'files:read']])).toBe(false);
    expect(satisfies(['core:read', 'files:read'], [['core:read', 'files:read']])).toBe(true);
    expect(satisfies([], [['core:read']])).toBe(false);
  });

  it('indexes type-level and field-level requirements from SDL', () => {
    const index = scopeIndex(typeDefs);
    expect(requirementsOf(index, 'Query', 'open')).toEqual([]);
    expect(requirementsOf(index, 'Query', 'secret')).toEqual([[['core:read'], ['admin']]]);
    expect(requirementsOf(index, 'Secret', 'id')).toEqual([[['core:read', 'files:read']]]);
    expect(missingScopes({ scopes: ['core:read'] }, requirementsOf(index, 'Secret', 'id'))).toHaveLength(1);
  });

  it('wraps resolvers so a subgraph refuses a field, and resolves a scoped entity reference to null', async () => {
    const resolvers = enforceScopes(typeDefs, {
      Query: { secret: () => ({ id: 's1' }) },
      Secret: { __resolveReference: () => ({ id: 's1' }) },
    }) as Record<string, Record<string, (...args: unknown[]) => unknown>>;
    const reader = { claims: { scopes: ['core:read', 'files:read'] } };
    const stranger = { claims: { scopes: ['files:read'] } };
    expect(resolvers.Query!.secret!({}, {}, reader, {})).toEqual({ id: 's1' });
    expect(() => resolvers.Query!.secret!({}, {}, stranger, {})).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    );
    expect(resolvers.Secret!.__resolveReference!({ id: 's1' }, reader, {})).toEqual({ id: 's1' });
    expect(resolvers.Secret!.__resolveReference!({ id: 's1' }, stranger, {})).toBeNull();
  });
});
