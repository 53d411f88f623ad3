import { upperCaseEnum } from '@wrk/platform';
import { Visibility } from '../__generated__/prisma/enums.ts';
import { ROW_SPECS } from '../entities/index.ts';

/** GraphQL enum values (UPPER_CASE) ↔ the Prisma values stored in the database: Visibility, and each entity's own. */
export const enumResolvers = Object.fromEntries(
  [['Visibility', Visibility] as const, ...ROW_SPECS.flatMap((spec) => Object.entries(spec.enums ?? {}))].map(([name, values]) => [
    name,
    upperCaseEnum(values),
  ]),
);
