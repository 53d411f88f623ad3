import { upperCaseEnum } from '@wrk/platform';
import { BoxItemType } from '../__generated__/prisma/enums.ts';

/** GraphQL enum values (UPPER_CASE) ↔ the Prisma values stored in the database. */
export const enumResolvers = {
  BoxItemType: upperCaseEnum(BoxItemType),
};
