import type { Claims } from '@wrk/platform';
import type { User } from '../src/__generated__/prisma/client.ts';
import { userDataAccess } from '../src/userData.ts';

const claims = (overrides: Partial<Claims>): Claims => ({
  kind: 'staff',
  role: 'staff',
  teams: [],
  scopes: ['identity:read'],
  requestId: 'test',
  ...overrides,
});
const user: User = {
  id: 1,
  externalId: 'usr_someone1',
  email: 'someone@example.com',
  name: 'Someone',
  role: 'staff',
  authState: 'active',
  boxUserId: 'box_1',
  actor: 'test',
  sourceSystem: 'test',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const access = (overrides: Partial<Claims>) => userDataAccess(claims(overrides), user);

describe('identity visibility: who sees a user’s e-mail and Box user id', () => {
  it('shows both to the user themselves, to identity admins and to the platform', () => {
    const both = { email: true, boxUserId: true };
    expect(access({ sub: user.externalId })).toEqual(both);
    expect(access({ sub: user.externalId, role: 'restricted' })).toEqual(both);
    expect(access({ sub: 'usr_admin1', role: 'admin', scopes: ['identity:read', 'identity:admin'] })).toEqual(both);
    expect(access({ kind: 'system', role: undefined, scopes: [] })).toEqual(both);
  });

  it('shows other staff and restricted users the e-mail (the directory) but not the Box user id', () => {
    const emailOnly = { email: true, boxUserId: false };
    expect(access({ sub: 'usr_other1' })).toEqual(emailOnly);
    expect(access({ sub: 'usr_other1', role: 'restricted' })).toEqual(emailOnly);
    // The Box user id follows the identity:admin scope, not the role: an admin's narrower token loses it.
    expect(access({ sub: 'usr_admin1', role: 'admin' })).toEqual(emailOnly);
  });

  it('shows an anonymous caller neither the e-mail nor the Box user id', () => {
    // Anonymous requests are refused before any field resolves (test/e2e/authorization-matrix.test.ts); this is the backstop.
    expect(access({ kind: 'anonymous', role: undefined, scopes: [] })).toEqual({ email: false, boxUserId: false });
  });

  it('limits an allowlisted agent to its own user and the users the allowlist names', () => {
    const agent: Partial<Claims> = { kind: 'agent', sub: 'usr_issuer1', scopes: ['identity:read', 'identity:admin'] };
    expect(access({ ...agent, allow: ['prj_listed1'] })).toEqual({ email: false, boxUserId: false });
    expect(access({ ...agent, allow: ['prj_listed1', user.externalId] })).toEqual({ email: true, boxUserId: true });
    expect(access({ ...agent, scopes: ['identity:read'], allow: [user.externalId] })).toEqual({
      email: true,
      boxUserId: false,
    });
    expect(access({ ...agent, sub: user.externalId, allow: ['prj_listed1'] })).toEqual({ email: true, boxUserId: true });
  });
});
