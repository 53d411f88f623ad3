import { dateOrNull, requiredText } from '@wrk/platform';
import type { GrantOrderField } from '../../__generated__/resolvers-types.ts';
import { GrantStatus, type Visibility } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaPivot } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const grant = defineEntity({
  typename: 'Grant',
  model: 'grant',
  visibility: { restrictable: true, inProjects: viaPivot },
  order: listOrder<GrantOrderField>(
    {
      TITLE: 'title',
      START_DATE: 'startDate?',
      END_DATE: 'endDate?',
      REPORTING_DUE_DATE: 'reportingDueDate?',
      AMOUNT: 'amountCents?',
      CREATED_AT: 'createdAt',
      UPDATED_AT: 'updatedAt',
    },
    [{ field: 'title', direction: 'asc' }],
  ),
  enums: { GrantStatus },
  references: [
    ['owner', 'User'],
    ['contracts', 'Contract'],
  ],
  find: (db, where: Prisma.GrantWhereInput) => db.grant.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.GrantUncheckedCreateInput, keyof typeof columns>) =>
    tx.grant.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.GrantUncheckedUpdateInput, attribution) =>
    tx.grant.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: GrantStatus | null) => value ?? 'prospect',
  startDate: dateOrNull,
  endDate: dateOrNull,
  reportingDueDate: dateOrNull,
  visibility: (value: Visibility | null) => value ?? 'internal',
};
