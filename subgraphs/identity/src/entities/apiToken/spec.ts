import type { ApiToken } from '../../__generated__/prisma/client.ts';
import type { IdentityEntitySpec } from '../service.ts';

/** Tokens are inserted by `issueToken` (tokens.ts), which signs the JWT in the same transaction. */
export const apiTokenSpec: Pick<IdentityEntitySpec<ApiToken, never>, 'typename'> = { typename: 'ApiToken' };
