import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { writeBoxMirror } from '../support/boxMirror.ts';
import { steadyWorkOf } from '../bench/fixture.ts';
import { startTestStack, type Caller, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * Documents of core entities and their chunks, written through files' service: create, update and archive with
 * stable error codes, audited, and what each change does to search.
 */
const extensionsOf = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions;

describe.each(databaseKinds())('files documents and chunks on %s Postgres', (kind) => {
  let stack: TestStack;
  let admin: Caller;
  let staff: Caller;
  let hiddenFile: string;
  let folder: string;

  const CREATE = `mutation ($input: CreateProjectDocumentInput!) { createProjectDocument(input: $input) { id entityId entity { __typename id } project { id } boxItem { id } } }`;
  const UPDATE = `mutation ($id: ID!, $input: UpdateProjectDocumentInput!) { updateProjectDocument(id: $id, input: $input) { id title kind entityId } }`;
  const SEARCH = `query ($q: String!) { searchDocuments(query: $q) { totalCount nodes { chunk { id } document { id } entity { __typename id } } } }`;

  beforeAll(async () => {
    stack = await startTestStack(kind);
    admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    const ids = await writeBoxMirror(stack.databaseUrl, {
      items: [{ boxItemId: '880001', name: 'Board only.pdf', ownerBoxUserId: '1001' }],
    });
    hiddenFile = ids['880001']!;
    folder = DEMO.boxItems.contractsFolder;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('creates a document of any core entity that can own one, shown on that entity, and audits it', async () => {
    const created = await staff(CREATE, {
      input: {
        title: '  Grant application  ',
        kind: 'application',
        entityId: DEMO.grants.innovation,
        boxItemId: DEMO.boxItems.acmeMsaFile,
      },
    });
    expect(created.errors).toBeUndefined();
    const document = created.data!.createProjectDocument;
    expect(document).toMatchObject({
      entityId: DEMO.grants.innovation,
      entity: { __typename: 'Grant', id: DEMO.grants.innovation },
      project: null,
      boxItem: { id: DEMO.boxItems.acmeMsaFile },
    });
    const grant = await staff(`query ($id: ID!) { grant(id: $id) { documents { id title } } }`, { id: DEMO.grants.innovation });
    expect(grant.data!.grant.documents).toEqual([{ id: document.id, title: 'Grant application' }]);
    const audit = await admin(`query ($id: ID!) { auditLog(entity: $id) { action actor } }`, { id: document.id });
    expect(audit.data!.auditLog).toEqual([{ action: 'create', actor: DEMO.users.staff }]);
  });

  it.each([
    ['no entity', { title: 'x', boxItemId: DEMO.boxItems.acmeMsaFile }, { code: 'BAD_USER_INPUT', field: 'entityId' }],
    ['no Box item (not an admin)', { title: 'x', entityId: DEMO.projects.platform }, { code: 'BAD_USER_INPUT', field: 'boxItemId' }],
    [
      'an empty title',
      { title: ' ', entityId: DEMO.projects.platform, boxItemId: DEMO.boxItems.acmeMsaFile },
      { code: 'BAD_USER_INPUT', field: 'title' },
    ],
    [
      'a folder as content',
      { title: 'x', entityId: DEMO.projects.platform, boxItemId: DEMO.boxItems.contractsFolder },
      { code: 'BAD_USER_INPUT', field: 'boxItemId' },
    ],
    [
      'a Box item the caller cannot see',
      { title: 'x', entityId: DEMO.projects.platform, boxItemId: 'hidden' },
      { code: 'NOT_FOUND', field: 'boxItemId' },
    ],
    [
      'a hidden entity',
      { title: 'x', entityId: DEMO.projects.skunkworks, boxItemId: DEMO.boxItems.acmeMsaFile },
      { code: 'NOT_FOUND', field: 'entityId' },
    ],
    [
      'an entity that cannot own documents',
      { title: 'x', entityId: DEMO.users.staff, boxItemId: DEMO.boxItems.acmeMsaFile },
      { code: 'INVALID_ID' },
    ],
  ])('refuses %s with a stable code', async (_, input: Record<string, string>, expected) => {
    const resolved = { ...input, ...(input.boxItemId === 'hidden' ? { boxItemId: hiddenFile } : {}) };
    const before = (await admin(`{ projectDocuments(first: 100) { totalCount } }`)).data!.projectDocuments.totalCount;
    expect(extensionsOf(await staff(CREATE, { input: resolved }))).toMatchObject(expected);
    expect((await admin(`{ projectDocuments(first: 100) { totalCount } }`)).data!.projectDocuments.totalCount).toBe(before);
  });

  it('updates only the given fields, refuses clearing required ones, and moves a document to another entity', async () => {
    const created = await staff(CREATE, {
      input: { title: 'Draft', kind: 'memo', entityId: DEMO.projects.platform, boxItemId: DEMO.boxItems.acmeMsaFile },
    });
    const id = created.data!.createProjectDocument.id as string;
    const renamed = await staff(UPDATE, { id, input: { title: 'Final' } });
    expect(renamed.data!.updateProjectDocument).toEqual({ id, title: 'Final', kind: 'memo', entityId: DEMO.projects.platform });
    const cleared = await staff(UPDATE, { id, input: { kind: null } });
    expect(cleared.data!.updateProjectDocument.kind).toBeNull();
    for (const field of ['title', 'entityId', 'boxItemId']) {
      expect(extensionsOf(await staff(UPDATE, { id, input: { [field]: null } }))).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(extensionsOf(await staff(UPDATE, { id, input: { entityId: DEMO.projects.skunkworks } }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'entityId',
    });
    expect(extensionsOf(await staff(UPDATE, { id, input: { boxItemId: folder } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'boxItemId',
    });
    const moved = await staff(UPDATE, { id, input: { entityId: DEMO.contracts.acmeMsa } });
    expect(moved.data!.updateProjectDocument.entityId).toBe(DEMO.contracts.acmeMsa);
    const audit = await admin(`query ($id: ID!) { auditLog(entity: $id) { action } }`, { id });
    expect(audit.data!.auditLog.map((entry: { action: string }) => entry.action)).toEqual(['update', 'update', 'update', 'create']);
  });

  it('ranks hits best first and pages through them by cursor without repeating or skipping one', async () => {
    const created = await staff(CREATE, {
      input: { title: 'Ranked', entityId: DEMO.projects.platform, boxItemId: DEMO.boxItems.acmeMsaFile },
    });
    const doc = created.data!.createProjectDocument.id as string;
    // Four chunks that say "quokka" 1, 4, 2 and 3 times among the same number of words: rank follows the count.
    const texts = [1, 4, 2, 3].map((n) => [...Array<string>(n).fill('quokka'), ...Array<string>(8 - n).fill('meadow')].join(' '));
    const ids: string[] = [];
    for (const content of texts) {
      const chunk = await staff(
        `mutation ($doc: ID!, $content: String!) { createKbChunk(input: { documentId: $doc, content: $content }) { id } }`,
        {
          doc,
          content,
        },
      );
      ids.push(chunk.data!.createKbChunk.id as string);
    }
    const PAGE = `query ($q: String!, $after: String) { searchDocuments(query: $q, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { score snippet chunk { id } } } } }`;
    const first = (await staff(PAGE, { q: 'quokka' })).data!.searchDocuments;
    const second = (await staff(PAGE, { q: 'quokka', after: first.pageInfo.endCursor })).data!.searchDocuments;
    type Edge = { node: { score: number; snippet: string; chunk: { id: string } } };
    const edges: Edge[] = [...first.edges, ...second.edges];
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(edges.map((edge) => edge.node.chunk.id)).toEqual([ids[1], ids[3], ids[2], ids[0]]);
    const scores = edges.map((edge) => edge.node.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(edges.every((edge) => edge.node.snippet.includes('<mark>quokka</mark>'))).toBe(true);
    await staff(`mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`, { id: doc });
  });

  it('merges the hits of several entities into one ranking, and stops at the candidate cap saying totalCount is a lower bound', async () => {
    // "pangolin" 1–5 times among 8 words: chunks of a project's document and of a grant's, interleaved by rank.
    const chunksOf = async (entityId: string, counts: number[]) => {
      const created = await staff(CREATE, { input: { title: `Pangolins ${entityId}`, entityId, boxItemId: DEMO.boxItems.acmeMsaFile } });
      const doc = created.data!.createProjectDocument.id as string;
      const ids: string[] = [];
      for (const n of counts) {
        const content = [...Array<string>(n).fill('pangolin'), ...Array<string>(8 - n).fill('savanna')].join(' ');
        const chunk = await staff(
          `mutation ($doc: ID!, $content: String!) { createKbChunk(input: { documentId: $doc, content: $content }) { id } }`,
          {
            doc,
            content,
          },
        );
        ids.push(chunk.data!.createKbChunk.id as string);
      }
      return { doc, ids };
    };
    const project = await chunksOf(DEMO.projects.platform, [1, 3, 5]);
    const grant = await chunksOf(DEMO.grants.innovation, [4, 2]);
    const PAGE = `query ($after: String) { searchDocuments(query: "pangolin", first: 2, after: $after) {
      totalCount totalCountIsExact pageInfo { hasNextPage endCursor } nodes { score chunk { id } } } }`;
    type Page = {
      totalCount: number;
      totalCountIsExact: boolean;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      nodes: { score: number; chunk: { id: string } }[];
    };
    const allPages = async () => {
      const pages: Page[] = [];
      let after: string | null = null;
      do {
        const page: Page = (await staff(PAGE, { after })).data!.searchDocuments;
        pages.push(page);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return {
        pages,
        ids: pages.flatMap((page) => page.nodes.map((node) => node.chunk.id)),
        scores: pages.flatMap((page) => page.nodes.map((node) => node.score)),
      };
    };
    const before = process.env.WRK_SEARCH_CANDIDATES;
    try {
      delete process.env.WRK_SEARCH_CANDIDATES;
      const exact = await allPages();
      expect(exact.ids).toEqual([project.ids[2], grant.ids[0], project.ids[1], grant.ids[1], project.ids[0]]);
      expect(exact.pages.map((page) => [page.totalCount, page.totalCountIsExact])).toEqual([
        [5, true],
        [5, true],
        [5, true],
      ]);

      process.env.WRK_SEARCH_CANDIDATES = '5'; // exactly the cap: still exact
      expect((await allPages()).pages[0]).toMatchObject({ totalCount: 5, totalCountIsExact: true });

      process.env.WRK_SEARCH_CANDIDATES = '3';
      const capped = await allPages();
      // Ranked among the earliest candidates (4: one more than the cap tells it was reached), on every page alike.
      expect(capped.pages.map((page) => [page.totalCount, page.totalCountIsExact])).toEqual([
        [4, false],
        [4, false],
      ]);
      expect(capped.ids).toEqual([project.ids[2], grant.ids[0], project.ids[1], project.ids[0]]);
    } finally {
      if (before === undefined) delete process.env.WRK_SEARCH_CANDIDATES;
      else process.env.WRK_SEARCH_CANDIDATES = before;
    }
    for (const { doc } of [project, grant]) await staff(`mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`, { id: doc });
  });

  it('indexes chunks for search as they are added, changed and archived, and archived documents leave search', async () => {
    const created = await staff(CREATE, {
      input: { title: 'Searchable', entityId: DEMO.projects.platform, boxItemId: DEMO.boxItems.acmeMsaFile },
    });
    const documentId = created.data!.createProjectDocument.id as string;
    const chunk = await staff(
      `mutation ($doc: ID!) { createKbChunk(input: { documentId: $doc, content: "Quarterly narwhal inventory." }) { id chunkIndex } }`,
      {
        doc: documentId,
      },
    );
    const chunkId = chunk.data!.createKbChunk.id as string;
    const hits = async (q: string) =>
      ((await staff(SEARCH, { q })).data!.searchDocuments.nodes as { chunk: { id: string } }[]).map((hit) => hit.chunk.id);
    expect(await hits('narwhals')).toEqual([chunkId]); // stemmed: english configuration
    const search = await staff(SEARCH, { q: 'narwhal' });
    expect(search.data!.searchDocuments.nodes[0].entity).toEqual({ __typename: 'Project', id: DEMO.projects.platform });

    const changed = await staff(
      `mutation ($id: ID!) { updateKbChunk(id: $id, input: { content: "Quarterly walrus inventory." }) { content } }`,
      {
        id: chunkId,
      },
    );
    expect(changed.errors).toBeUndefined();
    expect(await hits('narwhal')).toEqual([]);
    expect(await hits('walrus')).toEqual([chunkId]);
    expect(
      extensionsOf(await staff(`mutation ($id: ID!) { updateKbChunk(id: $id, input: { content: " " }) { id } }`, { id: chunkId })),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'content',
    });

    const audit = await admin(`query ($id: ID!) { auditLog(entity: $id) { action } }`, { id: chunkId });
    expect(audit.data!.auditLog.map((entry: { action: string }) => entry.action)).toEqual(['update', 'create']);
    const archived = await staff(`mutation ($id: ID!) { archiveKbChunk(id: $id) { id } }`, { id: chunkId });
    expect(archived.errors).toBeUndefined();
    expect(await hits('walrus')).toEqual([]);
    expect(extensionsOf(await staff(`query ($id: ID!) { kbChunk(id: $id) { id } }`, { id: chunkId }))).toMatchObject({ code: 'NOT_FOUND' });

    const second = await staff(
      `mutation ($doc: ID!) { createKbChunk(input: { documentId: $doc, content: "Annual okapi census." }) { id chunkIndex } }`,
      {
        doc: documentId,
      },
    );
    expect(second.data!.createKbChunk.chunkIndex).toBe(1);
    expect(await hits('okapi')).toEqual([second.data!.createKbChunk.id]);
    await staff(`mutation ($id: ID!) { archiveProjectDocument(id: $id) { id } }`, { id: documentId });
    expect(await hits('okapi')).toEqual([]);
    expect(extensionsOf(await staff(`query ($id: ID!) { projectDocument(id: $id) { id } }`, { id: documentId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
  it('reads a Box item once when a request reaches it by its ID and again through its documents', async () => {
    const item = (selection: string) => () =>
      staff<{ node: { documents: { boxItem?: { id: string } }[] } }>(
        `query ($id: ID!) { node(id: $id) { ... on BoxItem { id documents { id ${selection} } } } }`,
        { id: DEMO.boxItems.acmeMsaFile },
      );
    const bare = await steadyWorkOf(item(''));
    const back = await steadyWorkOf(item('boxItem { id name }'));
    expect(back.result.errors).toBeUndefined();
    expect(back.result.data!.node.documents).toContainEqual(
      expect.objectContaining({ boxItem: { id: DEMO.boxItems.acmeMsaFile, name: 'Acme MSA 2026.pdf' } }),
    );
    expect(back.work.sql - bare.work.sql).toBe(0);
  });
});
