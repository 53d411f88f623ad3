import { upperCaseEnum } from '@wrk/platform';
import { AgentRunStatus, ApprovalStatus, ReviewState } from '../__generated__/prisma/enums.ts';

/** GraphQL enum values (UPPER_CASE) ↔ the Prisma values stored in the database. */
export const enumResolvers = {
  AgentRunStatus: upperCaseEnum(AgentRunStatus),
  ApprovalStatus: upperCaseEnum(ApprovalStatus),
  ReviewState: upperCaseEnum(ReviewState),
};
