import { seesEverything } from '../src/access.ts';
import type { Claims } from '../src/claims.ts';
import { email, machineName, optionalEmail } from '../src/validation.ts';

describe('machineName (agent names on tokens and runs, step statuses, approval actions)', () => {
  it.each(['contract-reviewer', 'contract_reviewer', 'matrix-bot', '1st-pass', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(machineName('agentName', name)).toBe(name);
  });

  it.each(['', 'Contract', '-leading', '_leading', 'has space', 'a'.repeat(65)])('refuses %j, naming the field', (name) => {
    expect(() => machineName('agentName', name)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });
});

describe('e-mail addresses', () => {
  it('are trimmed and lower-cased', () => {
    expect(email('email', '  Ada@Example.COM ')).toBe('ada@example.com');
    expect(optionalEmail('email', null)).toBeNull();
    expect(optionalEmail('email', '  ')).toBeNull();
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'a b@example.com'])('refuse %j', (value) => {
    expect(() => email('email', value)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });
});

describe('seesEverything', () => {
  const claims = (kind: Claims['kind'], role?: string): Claims => ({ kind, role, teams: [], scopes: [], requestId: 'test' });

  it('is the platform itself and admins, nobody else', () => {
    expect(seesEverything(claims('system'))).toBe(true);
    expect(seesEverything(claims('staff', 'admin'))).toBe(true);
    expect(seesEverything(claims('staff', 'staff'))).toBe(false);
    expect(seesEverything(claims('anonymous'))).toBe(false);
  });
});
