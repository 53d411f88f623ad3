import type { Claims } from '@wrk/platform';
import { agentsVisibility } from '../src/visibility.ts';

const claims = (overrides: Partial<Claims>): Claims => ({
  kind: 'staff',
  role: 'staff',
  teams: [],
  scopes: [],
  requestId: 'test',
  ...overrides,
});
const NOTHING = { id: { lt: 0 } };
const allow = ['ctr_listed1', 'run_listed1'];
const listed = { externalId: { in: allow } };

describe('agents visibility', () => {
  it('shows anonymous callers nothing', () => {
    expect(agentsVisibility(claims({ kind: 'anonymous', role: undefined }))).toEqual({
      run: NOTHING,
      step: NOTHING,
      ofRun: NOTHING,
      fact: NOTHING,
      approval: NOTHING,
    });
  });

  it('shows approvals without a target or scope (held grants, token changes) to admins only', () => {
    const targetedOrScoped = { OR: [{ targetId: { not: null } }, { NOT: { scopeIds: { isEmpty: true } } }] };
    expect(agentsVisibility(claims({ role: 'admin' })).approval).toEqual({});
    expect(agentsVisibility(claims({ sub: 'usr_staff1' })).approval).toEqual(targetedOrScoped);
    expect(agentsVisibility(claims({ role: 'restricted', sub: 'usr_restricted1' })).approval).toEqual(targetedOrScoped);
    expect(agentsVisibility(claims({ kind: 'agent', sub: 'usr_staff1', tokenId: 'tok_1', allow })).approval).toEqual(targetedOrScoped);
  });

  it('shows every row to admins, staff, restricted users and the platform: agent records are internal', () => {
    const open = { run: {}, step: {}, ofRun: {}, fact: {}, approval: expect.any(Object) };
    expect(agentsVisibility(claims({ role: 'admin' }))).toEqual(open);
    expect(agentsVisibility(claims({ sub: 'usr_staff1' }))).toEqual(open);
    expect(agentsVisibility(claims({ role: 'restricted', sub: 'usr_restricted1' }))).toEqual(open);
    expect(agentsVisibility(claims({ kind: 'system', role: undefined }))).toEqual(open);
    expect(agentsVisibility(claims({ kind: 'agent', sub: 'usr_staff1', tokenId: 'tok_1', allow: [] }))).toEqual(open);
  });

  it("narrows an allowlisted agent to its own token's runs and the listed entities, through every relation", () => {
    const run = { OR: [listed, { tokenId: 'tok_1' }] };
    expect(agentsVisibility(claims({ kind: 'agent', sub: 'usr_staff1', tokenId: 'tok_1', allow }))).toEqual({
      run,
      step: { OR: [listed, { run }] },
      ofRun: { OR: [listed, { run: { is: run } }] },
      fact: { OR: [listed, { subjectId: { in: allow } }, { run: { is: run } }] },
      approval: expect.any(Object),
    });
  });

  it('gives an allowlist without a token no runs of its own, and narrows even an admin', () => {
    expect(agentsVisibility(claims({ kind: 'agent', allow })).run).toEqual({ OR: [listed] });
    expect(agentsVisibility(claims({ kind: 'agent', role: 'admin', tokenId: 'tok_1', allow })).run).toEqual({
      OR: [listed, { tokenId: 'tok_1' }],
    });
  });
});
