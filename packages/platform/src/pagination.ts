import { badUserInput } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<Row> {
  edges: { cursor: string; node: Row }[];
  nodes: Row[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  /** A lazy promise (Prisma's run only when awaited): the count query runs only when totalCount is selected. */
  totalCount: PromiseLike<number>;
}

export const encodeCursor = (id: number): string => Buffer.from(`c:${id}`).toString('base64url');

export function decodeCursor(cursor: string): number {
  const match = /^c:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badUserInput('after', 'is not a cursor returned by this list');
  return Number(match[1]);
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** The Prisma findMany arguments of one page: the cursor row is skipped, one extra row tells hasNextPage. */
export function pageQuery(args: ConnectionArgs) {
  const take = pageSize(args.first);
  const cursorId = args.after ? decodeCursor(args.after) : undefined;
  return {
    take: take + 1,
    ...(cursorId === undefined ? {} : { cursor: { id: cursorId }, skip: 1 }),
  };
}

export function toConnection<Row extends { id: number }>(
  rows: Row[],
  args: ConnectionArgs,
  totalCount: PromiseLike<number>,
): Connection<Row> {
  const size = pageSize(args.first);
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** The part of a Prisma model delegate a paginated list needs. */
export interface ListDelegate<Row> {
  findMany(args: { where: object; orderBy: object; take: number; skip?: number; cursor?: { id: number } }): Promise<Row[]>;
  count(args: { where: object }): PromiseLike<number>;
}

/** One page of a Prisma model as a Relay connection, ordered by the given order then by id. */
export async function listPage<Row extends { id: number }>(
  delegate: ListDelegate<Row>,
  args: ConnectionArgs,
  where: object,
  orderBy: object[] = [],
): Promise<Connection<Row>> {
  const rows = await delegate.findMany({ where, orderBy: [...orderBy, { id: 'asc' }], ...pageQuery(args) });
  return toConnection(rows, args, delegate.count({ where }));
}
