import {
  decodeCursor,
  encodeCursor,
  keysetAfter,
  listBinding,
  pageSize,
  prismaOrderBy,
  toConnection,
  type SortKey,
} from '../src/pagination.ts';

const BAD_AFTER = expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) });
const BY_TITLE: SortKey[] = [{ field: 'title', direction: 'asc' }];

describe('Relay pagination', () => {
  const binding = listBinding({ list: 'Query.contracts', args: { first: 2, filter: { status: ['ACTIVE'] } } }, BY_TITLE);

  it('round-trips the sort key values (dates and big integers too) and the id', () => {
    const when = new Date('2026-01-02T03:04:05.678Z');
    const cursor = encodeCursor(binding, ['Acme', when, 12n, null, 42]);
    expect(decodeCursor(cursor, binding, 4)).toEqual(['Acme', when, 12n, null, 42]);
    // The same position always has the same cursor; the page size and the cursor itself are not part of the list.
    expect(encodeCursor(binding, ['Acme', when, 12n, null, 42])).toBe(cursor);
    expect(listBinding({ list: 'Query.contracts', args: { filter: { status: ['ACTIVE'] }, first: 5, after: cursor } }, BY_TITLE)).toBe(
      binding,
    );
  });

  it('is opaque: neither the id nor the sort values can be read from it', () => {
    const cursor = encodeCursor(binding, ['Secret title', 123456]);
    const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
    expect(bytes).not.toContain('Secret');
    expect(bytes).not.toContain('123456');
  });

  it('refuses forged, tampered and foreign cursors with BAD_USER_INPUT on after', () => {
    const cursor = encodeCursor(binding, ['Acme', 42]);
    // The old format: base64 of the row id.
    expect(() => decodeCursor(Buffer.from('c:42').toString('base64url'), binding, 1)).toThrow(BAD_AFTER);
    expect(() => decodeCursor('', binding, 1)).toThrow(BAD_AFTER);
    const tampered = Buffer.from(cursor, 'base64url');
    tampered[20] = tampered[20]! ^ 1;
    expect(() => decodeCursor(tampered.toString('base64url'), binding, 1)).toThrow(BAD_AFTER);
    // Another list, another order, another filter.
    const otherList = listBinding({ list: 'Query.projects', args: { filter: { status: ['ACTIVE'] } } }, BY_TITLE);
    const otherOrder = listBinding({ list: 'Query.contracts', args: { filter: { status: ['ACTIVE'] } } }, [
      { field: 'title', direction: 'desc' },
    ]);
    const otherFilter = listBinding({ list: 'Query.contracts', args: { filter: { status: ['DRAFT'] } } }, BY_TITLE);
    for (const other of [otherList, otherOrder, otherFilter]) expect(() => decodeCursor(cursor, other, 1)).toThrow(BAD_AFTER);
  });

  it('pages by keyset: (sort keys, id) after the cursor values, nulls last in both directions', () => {
    expect(keysetAfter(BY_TITLE, ['Acme', 7])).toEqual({
      OR: [{ AND: [{ title: { gt: 'Acme' } }] }, { AND: [{ title: 'Acme' }, { id: { gt: 7 } }] }],
    });
    const dueDesc: SortKey[] = [{ field: 'dueOn', direction: 'desc', nullable: true }];
    const day = new Date('2026-05-01');
    expect(keysetAfter(dueDesc, [day, 7])).toEqual({
      OR: [{ AND: [{ OR: [{ dueOn: { lt: day } }, { dueOn: null }] }] }, { AND: [{ dueOn: day }, { id: { gt: 7 } }] }],
    });
    // After a null, only the other nulls (by id) remain.
    expect(keysetAfter(dueDesc, [null, 7])).toEqual({ OR: [{ AND: [{ dueOn: null }, { id: { gt: 7 } }] }] });
    expect(prismaOrderBy(dueDesc)).toEqual([{ dueOn: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }]);
    // Enums compare by their declared order.
    const status: SortKey[] = [{ field: 'status', direction: 'asc', enumValues: ['open', 'in_progress', 'done'] }];
    expect(keysetAfter(status, ['in_progress', 3])).toMatchObject({ OR: [{ AND: [{ status: { in: ['done'] } }] }, expect.anything()] });
  });

  it('reads one row more than the page to know whether there is a next page', () => {
    const connection = toConnection([{ id: 1 }, { id: 2 }, { id: 3 }], { first: 2 }, Promise.resolve(3), (row) => `c${row.id}`);
    expect(connection.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, endCursor: 'c2' });
  });

  it('seals a cursor only when it is read, and each once', () => {
    const sealed: number[] = [];
    const cursorOf = (row: { id: number }) => {
      sealed.push(row.id);
      return `c${row.id}`;
    };
    const connection = toConnection([{ id: 1 }, { id: 2 }, { id: 3 }], { first: 3 }, Promise.resolve(3), cursorOf);
    expect(connection.nodes).toHaveLength(3);
    expect(sealed).toEqual([]);
    expect(connection.pageInfo.endCursor).toBe('c3');
    expect(connection.edges.map((edge) => edge.cursor)).toEqual(['c1', 'c2', 'c3']);
    expect(connection.pageInfo.startCursor).toBe('c1');
    expect(sealed).toEqual([3, 1, 2]);
  });

  it('refuses page sizes outside 0..100', () => {
    expect(() => pageSize(101)).toThrow(/first/);
    expect(() => pageSize(-1)).toThrow(/first/);
  });
});
