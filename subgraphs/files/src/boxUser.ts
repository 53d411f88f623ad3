import type { Claims } from '@wrk/platform';

/** The caller's Box user ID, which identity puts among the claims' external accounts: the one place files reads it. */
export const boxUserOf = (claims: Pick<Claims, 'kind' | 'accounts'>): string | null =>
  claims.kind === 'anonymous' ? null : (claims.accounts?.box ?? null);
