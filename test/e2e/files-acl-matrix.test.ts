import { DEMO } from '@wrk/demo';
import { databaseKinds } from '../support/databases.ts';
import { writeBoxMirror } from '../support/boxMirror.ts';
import { startTestStack, type Caller, type GraphQLResponse, type TestStack } from '../support/stack.ts';

/**
 * The visibility matrix of documents: principals × documents whose Box items carry every kind of grant (a group,
 * a folder two levels up, an expired, a pending, an uploader collaboration, a trashed item, a direct one) and
 * whose WRK entities are visible or restricted. Every read path must give each principal exactly the allowed
 * documents: searchDocuments (with its filters and pages), node/nodes, links, the lists, and the `documents` of
 * core entities.
 *
 * The Box tree (Box IDs), owned by the demo admin (Box user 1001):
 *   Matrix (800)
 *   ├── Group folder (810; group "Readers" = {1002 staff, 1003 restricted} viewer)
 *   │   ├── group.pdf (811) → doc "group" of the platform project
 *   │   ├── skunk.pdf (812) → doc "hiddenEntity" of the restricted Skunkworks project
 *   │   └── contract.pdf (813) → doc "contract" of the Acme MSA contract
 *   ├── Inherited (820; staff editor)
 *   │   └── Deeper (821)
 *   │       └── inherited.pdf (822) → doc "inherited"
 *   ├── expired.pdf (830; staff viewer, expired) → doc "expired"
 *   ├── pending.pdf (831; staff viewer, pending) → doc "pending"
 *   ├── uploader.pdf (832; staff uploader) → doc "uploader"
 *   ├── trashed.pdf (833; staff editor, trashed) → doc "trashed"
 *   └── direct.pdf (834; restricted previewer) → doc "direct"
 */
const WORD = 'zebracorn';
const DOCS = ['group', 'hiddenEntity', 'contract', 'inherited', 'expired', 'pending', 'uploader', 'trashed', 'direct'] as const;
type DocName = (typeof DOCS)[number];
const ITEM_OF: Record<DocName, string> = {
  group: '811',
  hiddenEntity: '812',
  contract: '813',
  inherited: '822',
  expired: '830',
  pending: '831',
  uploader: '832',
  trashed: '833',
  direct: '834',
};
const ENTITY_OF: Record<DocName, string> = {
  ...(Object.fromEntries(DOCS.map((name) => [name, DEMO.projects.platform])) as Record<DocName, string>),
  hiddenEntity: DEMO.projects.skunkworks,
  contract: DEMO.contracts.acmeMsa,
};

type Principal = 'admin' | 'staff' | 'restricted' | 'agentAllowlisted' | 'agentWithoutCore';
/** `documents`: through files' own paths; `throughCore`: through core's entities and links, which agents here cannot read. */
const EXPECTED: Record<Principal, { documents: DocName[]; items: string[]; throughCore?: DocName[] }> = {
  admin: { documents: [...DOCS], items: ['800', '810', '811', '812', '813', '820', '821', '822', '830', '831', '832', '833', '834'] },
  staff: { documents: ['group', 'contract', 'inherited'], items: ['810', '811', '812', '813', '820', '821', '822'] },
  restricted: { documents: ['group', 'contract', 'direct'], items: ['810', '811', '812', '813', '834'] },
  // staff's agent, allowed only the inherited document and the Group folder's file.
  agentAllowlisted: { documents: ['inherited'], items: ['811'], throughCore: [] },
  // staff's agent without core:read: core shows it no entity, so no document; Box items follow staff's ACL.
  agentWithoutCore: { documents: [], items: ['810', '811', '812', '813', '820', '821', '822'], throughCore: [] },
};

const sorted = <T>(values: T[]) => [...values].sort();
const codes = (response: GraphQLResponse<unknown>) => (response.errors ?? []).map((error) => error.extensions?.code);

describe.each(databaseKinds())('files ACL matrix on %s Postgres', (kind) => {
  let stack: TestStack;
  const callers = {} as Record<Principal, Caller>;
  const docId = {} as Record<DocName, string>;
  const itemId: Record<string, string> = {};
  const nameOfDoc = (id: string) => DOCS.find((name) => docId[name] === id);
  const nameOfItem = (id: string) => Object.keys(itemId).find((boxId) => itemId[boxId] === id);
  /** The matrix documents among the IDs (the demo's own document and others are ignored). */
  const matrixDocs = (ids: string[]) => sorted(ids.map(nameOfDoc).filter((name): name is DocName => name !== undefined));

  beforeAll(async () => {
    stack = await startTestStack(kind);
    const admin = stack.callerFor(await stack.token('admin@wrk.demo'));
    callers.admin = admin;
    callers.staff = stack.callerFor(await stack.token('staff@wrk.demo'));
    callers.restricted = stack.callerFor(await stack.token('restricted@wrk.demo'));

    const file = (boxItemId: string, name: string, parentBoxFolderId: string, trashedAt?: Date) => ({
      boxItemId,
      name,
      parentBoxFolderId,
      ownerBoxUserId: '1001',
      ...(trashedAt ? { trashedAt } : {}),
    });
    const folder = (boxItemId: string, name: string, parentBoxFolderId: string) => ({
      ...file(boxItemId, name, parentBoxFolderId),
      type: 'folder' as const,
    });
    Object.assign(
      itemId,
      await writeBoxMirror(stack.databaseUrl, {
        items: [
          folder('800', 'Matrix', '0'),
          folder('810', 'Group folder', '800'),
          file('811', 'group.pdf', '810'),
          file('812', 'skunk.pdf', '810'),
          file('813', 'contract.pdf', '810'),
          folder('820', 'Inherited', '800'),
          folder('821', 'Deeper', '820'),
          file('822', 'inherited.pdf', '821'),
          file('830', 'expired.pdf', '800'),
          file('831', 'pending.pdf', '800'),
          file('832', 'uploader.pdf', '800'),
          file('833', 'trashed.pdf', '800', new Date('2026-11-01T00:00:00Z')),
          file('834', 'direct.pdf', '800'),
        ],
        groups: [{ boxGroupId: '5100', name: 'Readers' }],
        memberships: [
          { boxGroupId: '5100', boxUserId: '1002' },
          { boxGroupId: '5100', boxUserId: '1003' },
        ],
        collaborations: [
          { boxItemId: '810', principalType: 'group', principalId: '5100', role: 'viewer' },
          { boxItemId: '820', principalType: 'user', principalId: '1002', role: 'editor' },
          { boxItemId: '830', principalType: 'user', principalId: '1002', role: 'viewer', expiresAt: new Date('2026-01-01T00:00:00Z') },
          { boxItemId: '831', principalType: 'user', principalId: '1002', role: 'viewer', status: 'pending' },
          { boxItemId: '832', principalType: 'user', principalId: '1002', role: 'uploader' },
          { boxItemId: '833', principalType: 'user', principalId: '1002', role: 'editor' },
          { boxItemId: '834', principalType: 'user', principalId: '1003', role: 'previewer' },
        ],
      }),
    );
    for (const name of DOCS) {
      const created = await admin<{ createProjectDocument: { id: string } }>(
        `mutation ($input: CreateProjectDocumentInput!) { createProjectDocument(input: $input) { id } }`,
        { input: { title: `Matrix ${name}`, entityId: ENTITY_OF[name], boxItemId: itemId[ITEM_OF[name]] } },
      );
      expect(created.errors).toBeUndefined();
      docId[name] = created.data!.createProjectDocument.id;
      const chunk = await admin(
        `mutation ($doc: ID!, $text: String!) { createKbChunk(input: { documentId: $doc, content: $text }) { id } }`,
        {
          doc: docId[name],
          text: `The ${WORD} clause of the ${name} document covers payment terms.`,
        },
      );
      expect(chunk.errors).toBeUndefined();
      const link = await admin(
        `mutation ($to: ID!) { createEntityLink(from: "${DEMO.organizations.acme}", to: $to, linkType: "matrix") { id } }`,
        {
          to: docId[name],
        },
      );
      expect(link.errors).toBeUndefined();
    }
    callers.agentAllowlisted = stack.callerFor(
      await stack.token('staff@wrk.demo', {
        agent: 'matrix-allowlisted',
        scopes: ['files:read', 'core:read'],
        allow: [docId.inherited, itemId['811']!],
      }),
    );
    callers.agentWithoutCore = stack.callerFor(await stack.token('staff@wrk.demo', { agent: 'matrix-files-only', scopes: ['files:read'] }));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const PRINCIPALS = Object.keys(EXPECTED) as Principal[];

  describe.each(PRINCIPALS)('as %s', (principal) => {
    const expected = EXPECTED[principal];
    const call = (query: string, variables?: Record<string, unknown>) => callers[principal](query, variables);

    it('searchDocuments ranks and counts exactly the allowed documents', async () => {
      const result = await call(
        `query ($q: String!) { searchDocuments(query: $q, first: 100) { totalCount nodes { score snippet chunk { id } document { id } boxItem { id } } } }`,
        { q: WORD },
      );
      expect(result.errors).toBeUndefined();
      const hits = result.data!.searchDocuments as {
        totalCount: number;
        nodes: { score: number; snippet: string; document: { id: string }; boxItem: { id: string } | null }[];
      };
      expect(matrixDocs(hits.nodes.map((hit) => hit.document.id))).toEqual(sorted(expected.documents));
      expect(hits.totalCount).toBe(expected.documents.length);
      for (const hit of hits.nodes) {
        expect(hit.snippet).toContain(`<mark>${WORD}</mark>`);
        expect(hit.score).toBeGreaterThan(0);
        // The document's Box item, when the caller may see the item itself (an allowlist may leave it out).
        const item = ITEM_OF[nameOfDoc(hit.document.id)!];
        expect(hit.boxItem?.id).toBe(expected.items.includes(item) ? itemId[item] : undefined);
      }
    });

    it('pages through the same hits one at a time with cursors', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < DOCS.length + 1; page += 1) {
        const result: GraphQLResponse<Record<string, any>> = await call(
          `query ($q: String!, $after: String) { searchDocuments(query: $q, first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { document { id } } } }`,
          { q: WORD, after },
        );
        expect(result.errors).toBeUndefined();
        const connection = result.data!.searchDocuments;
        expect(connection.totalCount).toBe(expected.documents.length);
        seen.push(...connection.nodes.map((hit: { document: { id: string } }) => hit.document.id));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(new Set(seen).size);
      expect(matrixDocs(seen)).toEqual(sorted(expected.documents));
    });

    it('lists exactly the allowed documents, chunks and Box items, with counts that agree', async () => {
      const result = await call(`{
        projectDocuments(first: 100) { totalCount nodes { id } }
        kbChunks(first: 100) { totalCount nodes { id document { id } } }
        boxItems(first: 100) { totalCount nodes { id } }
      }`);
      expect(result.errors).toBeUndefined();
      const data = result.data!;
      expect(matrixDocs(data.projectDocuments.nodes.map((node: { id: string }) => node.id))).toEqual(sorted(expected.documents));
      expect(data.projectDocuments.totalCount).toBe(data.projectDocuments.nodes.length);
      expect(matrixDocs(data.kbChunks.nodes.map((node: { document: { id: string } }) => node.document.id))).toEqual(
        sorted(expected.documents),
      );
      expect(data.kbChunks.totalCount).toBe(data.kbChunks.nodes.length);
      const items = data.boxItems.nodes.map((node: { id: string }) => nameOfItem(node.id)).filter(Boolean);
      expect(sorted(items)).toEqual(sorted(expected.items));
      expect(data.boxItems.totalCount).toBe(data.boxItems.nodes.length);
    });

    it('answers node and nodes with the allowed documents, NOT_FOUND for the others', async () => {
      const ids = DOCS.map((name) => docId[name]);
      const result = await call(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
      const shown = (result.data!.nodes as ({ id: string } | null)[]).flatMap((node) => (node ? [node.id] : []));
      expect(matrixDocs(shown)).toEqual(sorted(expected.documents));
      expect(codes(result).filter((code) => code === 'NOT_FOUND')).toHaveLength(DOCS.length - expected.documents.length);
      for (const name of DOCS) {
        const one = await call(`query ($id: ID!) { node(id: $id) { id } }`, { id: docId[name] });
        if (expected.documents.includes(name)) expect(one.data!.node).toEqual({ id: docId[name] });
        else expect(codes(one)).toEqual(['NOT_FOUND']);
      }
    });

    it("shows only the allowed documents through core entities' documents and through links", async () => {
      const result = await call(`{
        project(id: "${DEMO.projects.platform}") { documents { id } }
        skunkworks: project(id: "${DEMO.projects.skunkworks}") { documents { id } }
        contract(id: "${DEMO.contracts.acmeMsa}") { documents { id } }
        organization(id: "${DEMO.organizations.acme}") { links(linkType: "matrix") { to { ... on ProjectDocument { id } } } }
      }`);
      const data = result.data ?? {};
      const throughEntities = [
        ...((data.project?.documents ?? []) as { id: string }[]),
        ...((data.contract?.documents ?? []) as { id: string }[]),
        ...((data.skunkworks?.documents ?? []) as { id: string }[]),
      ].map((document) => document.id);
      expect(matrixDocs(throughEntities)).toEqual(sorted(expected.throughCore ?? expected.documents));
      const linked = ((data.organization?.links ?? []) as { to: { id?: string } | null }[]).flatMap((link) =>
        link.to?.id ? [link.to.id] : [],
      );
      expect(matrixDocs(linked)).toEqual(sorted(expected.throughCore ?? expected.documents));
    });
  });

  describe('search filters and input', () => {
    const search = (principal: Principal, filter: Record<string, unknown>) =>
      callers[principal](
        `query ($q: String!, $filter: SearchDocumentsFilter) { searchDocuments(query: $q, first: 100, filter: $filter) { totalCount nodes { document { id } } } }`,
        {
          q: WORD,
          filter,
        },
      );
    const docsOf = (result: GraphQLResponse<Record<string, any>>) =>
      matrixDocs((result.data!.searchDocuments.nodes as { document: { id: string } }[]).map((hit) => hit.document.id));

    it('narrows to a folder anywhere above, only when the caller may see the folder', async () => {
      expect(docsOf(await search('staff', { boxFolderId: '820' }))).toEqual(['inherited']);
      expect(docsOf(await search('admin', { boxFolderId: '800' }))).toEqual(sorted([...DOCS]));
      expect(docsOf(await search('staff', { boxFolderId: '800' }))).toEqual([]);
      expect(docsOf(await search('restricted', { boxFolderId: '820' }))).toEqual([]);
    });

    it('narrows to an entity or a project', async () => {
      expect(docsOf(await search('staff', { entityId: DEMO.contracts.acmeMsa }))).toEqual(['contract']);
      expect(docsOf(await search('staff', { projectId: DEMO.projects.platform }))).toEqual(['group', 'inherited']);
      expect(docsOf(await search('staff', { projectId: DEMO.projects.skunkworks }))).toEqual([]);
      expect(codes(await search('staff', { entityId: 'not-an-id' }))).toEqual(['INVALID_ID']);
      expect(codes(await search('staff', { projectId: DEMO.contracts.acmeMsa }))).toEqual(['INVALID_ID']);
    });

    it('refuses an empty query, a page over 100 and a cursor of another query with BAD_USER_INPUT', async () => {
      const empty = await callers.staff(`{ searchDocuments(query: "  ") { totalCount } }`);
      expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      const big = await callers.staff(`{ searchDocuments(query: "${WORD}", first: 101) { totalCount } }`);
      expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const first = await callers.admin(`{ searchDocuments(query: "${WORD}", first: 1) { pageInfo { endCursor } } }`);
      const foreign = await callers.admin(
        `query ($after: String) { searchDocuments(query: "payment", first: 1, after: $after) { totalCount } }`,
        {
          after: first.data!.searchDocuments.pageInfo.endCursor,
        },
      );
      expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  it("shows a visible item's collaborations, inherited ones with the folder they come from", async () => {
    const result = await callers.staff(
      `query ($id: ID!) { boxItem(id: $id) { path owner { type boxId name } trashedAt
          permissions { role status inherited fromBoxItemId from { name } principal { type boxId name login } } } }`,
      { id: itemId['822'] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.boxItem).toEqual({
      path: '/All Files/Matrix/Inherited/Deeper',
      owner: { type: 'USER', boxId: '1001', name: 'Avery Admin' },
      trashedAt: null,
      permissions: [
        {
          role: 'editor',
          status: 'ACCEPTED',
          inherited: true,
          fromBoxItemId: '820',
          from: { name: 'Inherited' },
          principal: { type: 'USER', boxId: '1002', name: 'Sam Staff', login: 'staff@wrk.demo' },
        },
      ],
    });
  });
});
