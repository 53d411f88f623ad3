import { mergeEntityFetches, type EntityRequest } from './entityBatching.ts';

const EMAIL = 'query Q__identity__1($representations:[_Any!]!){_entities(representations:$representations){...on User{email}}}';
const NAME = 'query Q__identity__2($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}';

const user = (id: string) => ({ __typename: 'User', id });
const request = (query: string, ids: string[], extra: Record<string, unknown> = {}): EntityRequest => ({
  query,
  operationName: /query (\w+)/.exec(query)?.[1],
  variables: { ...extra, representations: ids.map(user) },
});

describe('entity fetches de-duplicated and merged', () => {
  it('sends each distinct representation of one query text once and fans the answers and errors back out', () => {
    const [only, ...more] = mergeEntityFetches([request(EMAIL, ['a', 'b', 'a']), request(EMAIL, ['b', 'c', 'a'])]);
    expect(more).toEqual([]);
    expect(only!.fetch.body).toEqual({
      query: EMAIL,
      operationName: 'Q__identity__1',
      variables: { representations: [user('a'), user('b'), user('c')] },
    });
    const answers = only!.fetch.split({
      data: { _entities: [{ email: 'a@x' }, null, { email: 'c@x' }] },
      errors: [{ message: 'hidden', path: ['_entities', 1, 'email'] }, { message: 'whole' }],
    });
    expect(answers).toEqual([
      {
        data: { _entities: [{ email: 'a@x' }, null, { email: 'a@x' }] },
        errors: [{ message: 'hidden', path: ['_entities', 1, 'email'] }, { message: 'whole' }],
      },
      {
        data: { _entities: [null, { email: 'c@x' }, { email: 'a@x' }] },
        errors: [{ message: 'hidden', path: ['_entities', 0, 'email'] }, { message: 'whole' }],
      },
    ]);
  });

  it('merges different query texts into one operation, one alias each, errors back at their fetch', () => {
    const [only, ...more] = mergeEntityFetches([request(NAME, ['a', 'a']), request(EMAIL, ['b', 'a']), request(NAME, ['b'])]);
    expect(more).toEqual([]);
    expect(only!.requests).toEqual([0, 2, 1]);
    const { query, variables } = only!.fetch.body;
    expect(query.replace(/\s+/g, ' ')).toContain(
      'query Q__identity__2($wrkRepresentations0: [_Any!]!, $wrkRepresentations1: [_Any!]!) { wrkEntities0: _entities(representations: $wrkRepresentations0)',
    );
    expect(variables).toEqual({ wrkRepresentations0: [user('a'), user('b')], wrkRepresentations1: [user('b'), user('a')] });
    const answers = only!.fetch.split({
      data: { wrkEntities0: [{ name: 'A' }, { name: 'B' }], wrkEntities1: [{ email: 'b@x' }, null] },
      errors: [{ message: 'gone', path: ['wrkEntities1', 1] }],
    });
    expect(answers).toEqual([
      { data: { _entities: [{ name: 'A' }, { name: 'A' }] } },
      { data: { _entities: [{ name: 'B' }] } },
      { data: { _entities: [{ email: 'b@x' }, null] }, errors: [{ message: 'gone', path: ['_entities', 1] }] },
    ]);
  });

  it('passes a list that does not match the representations on as it came (the caller reports it invalid)', () => {
    const [only] = mergeEntityFetches([request(EMAIL, ['a', 'a'])]);
    expect(only!.fetch.split({ data: { _entities: 'garbage' } })).toEqual([{ data: { _entities: 'garbage' } }]);
    expect(only!.fetch.split({ data: null, errors: [{ message: 'down' }] })).toEqual([{ data: null, errors: [{ message: 'down' }] }]);
  });

  it('keeps fetches apart whose variables of one name are declared differently', () => {
    const withArgument = (type: string) =>
      `query Q($representations:[_Any!]!,$size:${type}){_entities(representations:$representations){...on User{avatar(size:$size)}}}`;
    const batches = mergeEntityFetches([
      request(withArgument('Int'), ['a'], { size: 1 }),
      request(withArgument('Int!'), ['a'], { size: 1 }),
    ]);
    expect(batches.map((batch) => batch.requests)).toEqual([[0], [1]]);
    expect(batches[0]!.fetch.body.variables).toEqual({ size: 1, representations: [user('a')] });
  });
});
