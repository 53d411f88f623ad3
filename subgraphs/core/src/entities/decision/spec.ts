import { dateOrNull, optionalText, requiredText } from '@wrk/platform';
import type { DecisionOrderField } from '../../__generated__/resolvers-types.ts';
import type { Visibility } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaReference } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const decision = defineEntity({
  typename: 'Decision',
  model: 'decision',
  visibility: { restrictable: true, inProjects: viaReference },
  order: listOrder<DecisionOrderField>({ DECIDED_ON: 'decidedOn?', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' }, [
    { field: 'decidedOn', direction: 'desc', nullable: true },
  ]),
  references: [
    ['owner', 'User'],
    ['meeting', 'Meeting'],
    ['project', 'Project'],
  ],
  find: (db, where: Prisma.DecisionWhereInput) => db.decision.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.DecisionUncheckedCreateInput, keyof typeof columns>) =>
    tx.decision.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.DecisionUncheckedUpdateInput, attribution) =>
    tx.decision.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  summary: (value: string | null) => optionalText('summary', value),
  decidedOn: dateOrNull,
  visibility: (value: Visibility | null) => value ?? 'internal',
};
