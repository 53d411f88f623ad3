import { decodeCursor, encodeCursor, pageQuery, toConnection } from '../src/pagination.ts';

describe('Relay pagination', () => {
  it('round-trips cursors and refuses foreign ones with BAD_USER_INPUT', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(() => decodeCursor('bm9wZQ')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });

  it('asks for one row more than the page to know whether there is a next page', () => {
    expect(pageQuery({ first: 2 })).toEqual({ take: 3 });
    expect(pageQuery({ first: 2, after: encodeCursor(7) })).toEqual({ take: 3, cursor: { id: 7 }, skip: 1 });
    const connection = toConnection([{ id: 1 }, { id: 2 }, { id: 3 }], { first: 2 }, Promise.resolve(3));
    expect(connection.nodes).toEqual([{ id: 1 }, { id: 2 }]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, endCursor: encodeCursor(2) });
  });

  it('refuses page sizes outside 0..100', () => {
    expect(() => pageQuery({ first: 101 })).toThrow(/first/);
    expect(() => pageQuery({ first: -1 })).toThrow(/first/);
  });
});
