import { badUserInput, dateOrNull, optionalText, requiredText } from '@wrk/platform';
import type { MeetingOrderField } from '../../__generated__/resolvers-types.ts';
import type { Visibility } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaPivot } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const meeting = defineEntity({
  typename: 'Meeting',
  model: 'meeting',
  visibility: { restrictable: true, inProjects: viaPivot },
  order: listOrder<MeetingOrderField>({ STARTS_AT: 'startsAt', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' }, [
    { field: 'startsAt', direction: 'desc' },
  ]),
  references: [
    ['owner', 'User'],
    ['actions', 'Action'],
    ['decisions', 'Decision'],
  ],
  find: (db, where: Prisma.MeetingWhereInput) => db.meeting.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.MeetingUncheckedCreateInput, keyof typeof columns>) =>
    tx.meeting.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.MeetingUncheckedUpdateInput, attribution) =>
    tx.meeting.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  startsAt: (value: Date | string | null) => {
    if (!value) throw badUserInput('startsAt', 'is required');
    return new Date(value);
  },
  endsAt: dateOrNull,
  location: (value: string | null) => optionalText('location', value, 500),
  isExternal: (value: boolean | null) => value ?? false,
  notes: (value: string | null) => optionalText('notes', value),
  visibility: (value: Visibility | null) => value ?? 'internal',
};
