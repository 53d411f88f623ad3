import { dateOrNull, requiredText } from '@wrk/platform';
import type { ActionOrderField } from '../../__generated__/resolvers-types.ts';
import { ActionStatus } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaReference } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const action = defineEntity({
  typename: 'Action',
  model: 'action',
  visibility: { restrictable: false, inProjects: viaReference },
  order: listOrder<ActionOrderField>(
    {
      DUE_ON: 'dueOn?',
      TITLE: 'title',
      STATUS: { field: 'status', enumValues: Object.values(ActionStatus) },
      CREATED_AT: 'createdAt',
      UPDATED_AT: 'updatedAt',
    },
    [{ field: 'dueOn', direction: 'asc', nullable: true }],
  ),
  enums: { ActionStatus },
  references: [
    ['assignee', 'User'],
    ['creator', 'User'],
    ['meeting', 'Meeting'],
    ['project', 'Project'],
  ],
  find: (db, where: Prisma.ActionWhereInput) => db.action.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.ActionUncheckedCreateInput, keyof typeof columns>) =>
    tx.action.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.ActionUncheckedUpdateInput, attribution) =>
    tx.action.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  status: (value: ActionStatus | null) => value ?? 'open',
  dueOn: dateOrNull,
};
