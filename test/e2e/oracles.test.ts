/**
 * No oracles: a hidden entity answers exactly like one that does not exist, whatever the path — a cursor, a
 * filter naming it, node(id:) under a token without its owner's scope — and errors never carry internal URLs.
 */
import { buildClientSchema, getIntrospectionQuery, getNamedType, isInputObjectType, isObjectType, type IntrospectionQuery } from 'graphql';
import { DEMO } from '@wrk/demo';
import pg from 'pg';
import { databaseKinds } from '../support/databases.ts';
import { createHiddenFixtures, type Caller, type HiddenFixtures } from '../support/hiddenFixtures.ts';
import { startTestStack, type GraphQLResponse, type TestStack } from '../support/stack.ts';

const codes = (response: GraphQLResponse<unknown>) => (response.errors ?? []).map((error) => error.extensions?.code);

/** A response with the request ID and the named IDs replaced: what tells a hidden ID from a missing one, if anything. */
const shape = (response: GraphQLResponse<unknown>, ids: string[]) => {
  const { requestId: _requestId, ...rest } = response;
  return ids.reduce((text, id) => text.split(id).join('<id>'), JSON.stringify(rest));
};

describe.each(databaseKinds())('no oracles on %s Postgres', (kind) => {
  let stack: TestStack;
  let admin: Caller;
  let restricted: Caller;
  let fixtures: HiddenFixtures;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));
    fixtures = await createHiddenFixtures(admin, stack.databaseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  describe('cursors', () => {
    it('cannot name a hidden row: the old base64 row-id cursor of a hidden contract is BAD_USER_INPUT', async () => {
      const db = new pg.Client({ connectionString: stack.database.url });
      await db.connect();
      const { rows } = await db.query<{ id: number }>('SELECT id FROM core.contracts WHERE external_id = $1', [fixtures.hidden.contract]);
      await db.end();
      const rowId = rows[0]!.id;
      const forged = Buffer.from(`c:${rowId}`).toString('base64url');
      const result = await restricted(`query ($after: String) { contracts(first: 5, after: $after) { totalCount nodes { id } } }`, {
        after: forged,
      });
      expect(result.data?.contracts ?? null).toBeNull();
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.extensions?.field).toBe('after');
    });

    it('refuses a cursor of another list, another order or another filter, and a tampered one', async () => {
      const page = await restricted<{ contracts: { pageInfo: { endCursor: string } } }>(
        `{ contracts(first: 1, filter: { status: [ACTIVE, DRAFT] }) { pageInfo { endCursor } } }`,
      );
      const cursor = page.data!.contracts.pageInfo.endCursor;
      expect(cursor).toBeTruthy();
      expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/ctr_|c:\d/);
      const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const query of [
        `query ($after: String) { projects(first: 1, after: $after) { nodes { id } } }`,
        `query ($after: String) { contracts(first: 1, after: $after, filter: { status: [ACTIVE, DRAFT] }, orderBy: { field: TITLE, direction: DESC }) { nodes { id } } }`,
        `query ($after: String) { contracts(first: 1, after: $after, filter: { status: [ACTIVE] }) { nodes { id } } }`,
      ]) {
        expect(codes(await restricted(query, { after: cursor }))).toEqual(['BAD_USER_INPUT']);
      }
      expect(
        codes(
          await restricted(
            `query ($after: String) { contracts(first: 1, after: $after, filter: { status: [ACTIVE, DRAFT] }) { nodes { id } } }`,
            { after: tampered },
          ),
        ),
      ).toEqual(['BAD_USER_INPUT']);
      // The cursor itself works where it came from.
      const next = await restricted(
        `query ($after: String) { contracts(first: 1, after: $after, filter: { status: [ACTIVE, DRAFT] }) { nodes { id } } }`,
        { after: cursor },
      );
      expect(next.errors).toBeUndefined();
    });

    it.each([
      ['contracts', ['TITLE', 'START_DATE', 'END_DATE', 'VALUE', 'CREATED_AT']],
      ['actions', ['DUE_ON', 'TITLE', 'STATUS', 'CREATED_AT']],
      ['decisions', ['DECIDED_ON', 'TITLE']],
      ['projects', ['NAME', 'START_DATE', 'END_DATE']],
    ])('pages through %s one row at a time in every order, each row exactly once, as in one page', async (list, fields) => {
      for (const field of fields) {
        for (const direction of ['ASC', 'DESC']) {
          const query = `query ($after: String) { ${list}(first: 1, after: $after, orderBy: { field: ${field}, direction: ${direction} }) {
            nodes { id } pageInfo { hasNextPage endCursor } } }`;
          const all = await admin<Record<string, { nodes: { id: string }[] }>>(
            `{ ${list}(first: 100, orderBy: { field: ${field}, direction: ${direction} }) { nodes { id } } }`,
          );
          const expected = all.data![list]!.nodes.map((node) => node.id);
          const seen: string[] = [];
          let after: string | null = null;
          do {
            const page: GraphQLResponse<
              Record<string, { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } }>
            > = await admin(query, { after });
            expect(page.errors).toBeUndefined();
            const connection = page.data![list]!;
            seen.push(...connection.nodes.map((node) => node.id));
            after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
          } while (after && seen.length <= expected.length);
          expect(seen).toEqual(expected);
        }
      }
    });
  });

  describe('filters by a referenced entity', () => {
    /**
     * Every ID field of every list's filter input, read from the schema: naming a hidden entity must answer exactly
     * like naming a nonexistent one of the same type.
     */
    it('answer for a hidden entity exactly as for a nonexistent one, for every ID field of every filter', async () => {
      const introspection = await admin<IntrospectionQuery>(getIntrospectionQuery());
      const schema = buildClientSchema(introspection.data!);
      const filters: { list: string; field: string }[] = [];
      for (const list of Object.values(schema.getQueryType()!.getFields())) {
        const filter = list.args.find((arg) => arg.name === 'filter');
        const input = filter && getNamedType(filter.type);
        if (!input || !isInputObjectType(input) || !isObjectType(getNamedType(list.type))) continue;
        for (const field of Object.values(input.getFields())) {
          if (getNamedType(field.type).name === 'ID') filters.push({ list: list.name, field: field.name });
        }
      }
      expect(filters.length).toBeGreaterThanOrEqual(15);
      const differences: string[] = [];
      for (const { list, field } of filters) {
        for (const hidden of Object.values(fixtures.hidden).filter((id) => /^(prj|ctr|gnt|mtg|dec|org|per)_/.test(id))) {
          const missing = `${hidden.split('_')[0]}_doesnotexist0000`;
          const ask = (id: string) =>
            restricted(`query ($id: ID) { ${list}(first: 100, filter: { ${field}: $id }) { totalCount nodes { id } } }`, { id });
          const [forHidden, forMissing] = [await ask(hidden), await ask(missing)];
          if (shape(forHidden, [hidden]) !== shape(forMissing, [missing])) differences.push(`${list}(filter: { ${field}: ${hidden} })`);
        }
      }
      expect(differences).toEqual([]);
    });
  });

  describe('node(id:) under a token without the owner’s scope', () => {
    it.each([['files:read'], ['identity:read'], ['agents:read']])(
      'answers an existing core entity exactly like a missing one for a token holding only %s, without internal URLs',
      async (scope) => {
        const token = stack.callerFor(await stack.token('staff@wrk.demo', { agent: 'probe', scopes: [scope] }));
        for (const selection of ['__typename', 'id', '__typename id']) {
          const query = `query ($id: ID!) { node(id: $id) { ${selection} } }`;
          const existing = await token(query, { id: DEMO.projects.platform });
          const missing = await token(query, { id: 'prj_doesnotexist0000' });
          expect(codes(existing)).toEqual(['NOT_FOUND']);
          expect(shape(existing, [DEMO.projects.platform])).toBe(shape(missing, ['prj_doesnotexist0000']));
          expect(JSON.stringify(existing)).not.toMatch(/https?:\/\/|127\.0\.0\.1|localhost/);
        }
        const many = await token(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
          ids: [DEMO.projects.platform, 'prj_doesnotexist0000'],
        });
        expect(many.data).toEqual({ nodes: [null, null] });
        expect(codes(many)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      },
    );
  });
});
