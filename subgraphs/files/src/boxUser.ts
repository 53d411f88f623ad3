import type { Claims } from '@wrk/platform';

/** The caller's Box user ID, which identity puts among the claims' external accounts; undefined without one. */
export const boxUserOf = (claims: Pick<Claims, 'accounts'>): string | undefined => claims.accounts?.box;
