import { upperCaseEnum } from '@wrk/platform';
import {
  ActionStatus,
  ContractStatus,
  GrantStatus,
  ProjectKind,
  ProjectStatus,
  TripStatus,
  Visibility,
} from '../__generated__/prisma/enums.ts';

/** GraphQL enum values (UPPER_CASE) ↔ the Prisma values stored in the database. */
export const enumResolvers = {
  ActionStatus: upperCaseEnum(ActionStatus),
  ContractStatus: upperCaseEnum(ContractStatus),
  GrantStatus: upperCaseEnum(GrantStatus),
  ProjectKind: upperCaseEnum(ProjectKind),
  ProjectStatus: upperCaseEnum(ProjectStatus),
  TripStatus: upperCaseEnum(TripStatus),
  Visibility: upperCaseEnum(Visibility),
};
