import type { UserRole } from './__generated__/prisma/enums.ts';

/** Every scope of the graph. `<subgraph>:read|write`; `identity:admin` manages users, grants and tokens. */
export const ALL_SCOPES = [
  'identity:read',
  'identity:write',
  'identity:admin',
  'core:read',
  'core:write',
  'files:read',
  'files:write',
  'agents:read',
  'agents:write',
] as const;
export type Scope = (typeof ALL_SCOPES)[number];

/** Staff tokens carry the scopes of their role; a restricted user reads only. */
export const ROLE_SCOPES: Record<UserRole, readonly Scope[]> = {
  admin: ALL_SCOPES,
  staff: ['identity:read', 'identity:write', 'core:read', 'core:write', 'files:read', 'files:write', 'agents:read', 'agents:write'],
  restricted: ['identity:read', 'core:read', 'files:read', 'agents:read'],
};

export function isScope(value: string): value is Scope {
  return ALL_SCOPES.some((scope) => scope === value);
}

/** What a token may do now: the scopes stored on it, within those of its user's current role. */
export function effectiveScopes(stored: readonly string[], role: UserRole): Scope[] {
  const allowed = ROLE_SCOPES[role];
  return allowed.filter((scope) => stored.includes(scope));
}
