import { upperCaseEnum } from '@wrk/platform';
import { AuthState, PermissionLevel, SubjectType, TokenKind, UserRole } from '../__generated__/prisma/enums.ts';

/** GraphQL enum values (UPPER_CASE) ↔ the Prisma values stored in the database. */
export const enumResolvers = {
  AuthState: upperCaseEnum(AuthState),
  PermissionLevel: upperCaseEnum(PermissionLevel),
  SubjectType: upperCaseEnum(SubjectType),
  TokenKind: upperCaseEnum(TokenKind),
  UserRole: upperCaseEnum(UserRole),
};
