import type { Claims } from './claims.ts';

/** Who sees every row whatever its restrictions: admins, and the platform itself (CLI, jobs). */
export const seesEverything = (claims: Claims): boolean => claims.kind === 'system' || claims.role === 'admin';
