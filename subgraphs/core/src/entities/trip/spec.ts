import { dateOrNull, optionalText, requiredText } from '@wrk/platform';
import type { TripOrderField } from '../../__generated__/resolvers-types.ts';
import { TripStatus } from '../../__generated__/prisma/enums.ts';
import type { Prisma } from '../../db.ts';
import { listOrder } from '../../lists.ts';
import { viaPivot } from '../../visibility.ts';
import { defineEntity } from '../entity.ts';

export const trip = defineEntity({
  typename: 'Trip',
  model: 'trip',
  visibility: { restrictable: false, inProjects: viaPivot },
  order: listOrder<TripOrderField>({ STARTS_ON: 'startsOn?', TITLE: 'title', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' }, [
    { field: 'startsOn', direction: 'desc', nullable: true },
  ]),
  enums: { TripStatus },
  references: [],
  find: (db, where: Prisma.TripWhereInput) => db.trip.findMany({ where }),
  insert: (tx, columns, data: Omit<Prisma.TripUncheckedCreateInput, keyof typeof columns>) =>
    tx.trip.create({ data: { ...columns, ...data } }),
  update: (tx, id, data: Prisma.TripUncheckedUpdateInput, attribution) =>
    tx.trip.update({ where: { id }, data: { ...data, ...attribution } }),
});

export const fields = {
  title: (value: string | null) => requiredText('title', value ?? ''),
  destination: (value: string | null) => optionalText('destination', value, 500),
  status: (value: TripStatus | null) => value ?? 'planned',
  startsOn: dateOrNull,
  endsOn: dateOrNull,
};
