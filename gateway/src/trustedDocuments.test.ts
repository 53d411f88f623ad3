import type { Claims } from '@wrk/platform';
import { isTrustedOnly, trustedOnlyFromEnv } from './trustedDocuments.ts';

const caller = (kind: Claims['kind'], role?: string, teams: string[] = []): Claims => ({ kind, role, teams, scopes: [], requestId: 'r' });

describe('trusted documents per deployment', () => {
  it('agents only by default; nobody with none; agents and staff with all or a list', () => {
    const byDefault = trustedOnlyFromEnv({});
    expect(isTrustedOnly(byDefault, caller('agent'))).toBe(true);
    expect(isTrustedOnly(byDefault, caller('staff', 'staff'))).toBe(false);
    const none = trustedOnlyFromEnv({ WRK_TRUSTED_ONLY: 'none' });
    expect(isTrustedOnly(none, caller('agent'))).toBe(false);
    for (const value of ['all', 'agents,staff', ' staff , agents ']) {
      const policy = trustedOnlyFromEnv({ WRK_TRUSTED_ONLY: value });
      expect([isTrustedOnly(policy, caller('agent')), isTrustedOnly(policy, caller('staff', 'staff'))]).toEqual([true, true]);
    }
    const staffOnly = trustedOnlyFromEnv({ WRK_TRUSTED_ONLY: 'staff' });
    expect(isTrustedOnly(staffOnly, caller('agent'))).toBe(false);
    expect(isTrustedOnly(staffOnly, caller('system'))).toBe(false);
  });

  it('the explorer users (by role or team) keep free-form documents when staff are trusted-only; agents never do', () => {
    const policy = trustedOnlyFromEnv({ WRK_TRUSTED_ONLY: 'agents,staff', WRK_EXPLORER_USERS: 'role:admin, team:team_analysts0001' });
    expect(isTrustedOnly(policy, caller('staff', 'admin'))).toBe(false);
    expect(isTrustedOnly(policy, caller('staff', 'restricted', ['team_other000001', 'team_analysts0001']))).toBe(false);
    expect(isTrustedOnly(policy, caller('staff', 'staff', ['team_other000001']))).toBe(true);
    expect(isTrustedOnly(policy, caller('agent', 'admin', ['team_analysts0001']))).toBe(true);
  });

  it('refuses a setting it does not understand, naming it', () => {
    expect(() => trustedOnlyFromEnv({ WRK_TRUSTED_ONLY: 'agents,robots' })).toThrow(/not robots/);
    expect(() => trustedOnlyFromEnv({ WRK_EXPLORER_USERS: 'admin' })).toThrow(/role:<role> and team:<team ID>.*not admin/);
  });
});
