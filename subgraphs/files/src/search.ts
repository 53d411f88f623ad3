import {
  badUserInput,
  decodeCursor,
  encodeCursor,
  keyValues,
  listBinding,
  pageSize,
  toConnection,
  type Connection,
  type SortKey,
} from '@wrk/platform';
import { Prisma } from './__generated__/prisma/client.ts';
import type { FilesDb } from './db.ts';
import { CHUNKS, type ChunkRow } from './reads.ts';
import { all } from './visibility.ts';

/** The text search configuration queries are parsed with, and new chunks are indexed with. */
export const searchLanguage = (): string => process.env.WRK_SEARCH_LANGUAGE?.trim() || 'english';

export interface SearchFilter {
  /** Documents of this core entity (entity_id). */
  entityId?: string | null;
  /** Documents whose Box item is anywhere under this Box folder (Box's ID), which the caller must see. */
  boxFolderId?: string | null;
}

export interface SearchArgs {
  query: string;
  first?: number | null;
  after?: string | null;
  filter: SearchFilter;
}

/** A ranked chunk: its score (ts_rank) and highlighted snippet (ts_headline). */
export type SearchHitRow = ChunkRow & { score: number; snippet: string };

/** A page of hits; `totalCountIsExact` is false when the search stopped at its candidate cap (`searchCandidates`). */
export type SearchHitConnection = Connection<SearchHitRow> & { totalCountIsExact: boolean };

/**
 * How many visible matches a search ranks at most (`WRK_SEARCH_CANDIDATES`, default 1,000). A word found in a large
 * share of the chunks would otherwise have every matching row read, checked and ranked on each request (a word in
 * 17% of 100,000 chunks took ~0.9 s); past the cap the hits are the best of the first candidates found, and
 * totalCount is a lower bound.
 */
export function searchCandidates(): number {
  const configured = Number(process.env.WRK_SEARCH_CANDIDATES);
  return Number.isInteger(configured) && configured > 0 ? configured : 1000;
}

/** Who may see what, for a search: the visibility conditions on search_chunks `s`, and core's entity rule. */
export interface SearchVisibility {
  /** The Box and allowlist rules on the search row `s` (search_chunks: the chunk, its document and Box item). */
  chunk: Prisma.Sql;
  /** The entities among these that core shows the caller; null when the caller sees every entity. */
  shownEntities: ((entityIds: string[]) => Promise<string[]>) | null;
  /** The Box rule on box_items aliased `b` (a `boxFolderId` filter must name a folder the caller sees). */
  boxItem: Prisma.Sql;
}

/** A candidate as the ranking statement returns it: the best `take` after the cursor of each entity, plus counts. */
interface Candidate {
  id: number;
  entityId: string | null;
  score: number;
  /** Candidates of this entity (all of them, not only after the cursor). */
  matches: number;
  /** After the cursor: may be on this page (the first row of each entity is returned for its count alone). */
  listed: boolean;
}

const HEADLINE = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=30, MinWords=10';
const ORDER: SortKey[] = [{ field: 'score', direction: 'desc' }];

/**
 * One page of the chunks matching `websearch_to_tsquery(query)`, best first (then by id), among those the caller
 * may see. One pass over the matching rows: the Box and allowlist rules are inside the statement, which ranks and
 * counts per owning entity (the best page after the cursor of each entity, and how many each has); core is then
 * asked, once, about those entities, and the page and total are merged from the entities it shows. Then the page's
 * rows and snippets, by ID. Keyset cursors (score, id) bound to the query and filter, like every list.
 */
export async function searchChunks(db: FilesDb, args: SearchArgs, visibility: SearchVisibility): Promise<SearchHitConnection> {
  const text = args.query.trim();
  if (!text) throw badUserInput('query', 'must not be empty');
  if (text.length > 1000) throw badUserInput('query', 'must be at most 1000 characters');
  const take = pageSize(args.first);
  const binding = listBinding({ list: 'Query.searchDocuments', args: { ...args, query: text } }, ORDER);
  const tsquery = Prisma.sql`websearch_to_tsquery(${searchLanguage()}::regconfig, ${text})`;
  const visible = [visibility.chunk, ...filterConditions(args.filter, visibility.boxItem)];
  const after = args.after ? afterCursor(decodeCursor(args.after, binding, ORDER.length)) : Prisma.sql`TRUE`;
  const cap = searchCandidates();
  const candidates = await rankCandidates(db, rankingStatement({ tsquery, visible, after, cap, take }));
  const shown = await shownEntities(candidates, visibility.shownEntities);
  const counted = new Set<string | null>();
  let total = 0;
  let found = 0;
  for (const candidate of candidates) {
    if (counted.has(candidate.entityId)) continue;
    counted.add(candidate.entityId);
    found += candidate.matches;
    if (shown(candidate.entityId)) total += candidate.matches;
  }
  const page = candidates
    .filter((candidate) => candidate.listed && shown(candidate.entityId))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, take + 1);
  const rows = await pageRows(db, page, tsquery, visible);
  const connection = toConnection(rows, args, Promise.resolve(total), (row) => encodeCursor(binding, keyValues(row, ['score'])));
  return { ...connection, totalCountIsExact: found <= cap };
}

/**
 * Runs the ranking statement, whose cap keeps the same candidates from page to page: the first in the table's
 * physical order, which both a bitmap scan of the text index and a sequential scan follow when the scan is not
 * parallel and does not start wherever the last one stopped — the settings of the files client's sessions
 * (FILES_SESSION_SETTINGS, db.ts). Ordering by chunk ID instead made Postgres either read every match of a frequent
 * word or walk the primary key through a large part of the table for a medium one (the estimates cannot tell
 * which); in physical order the scan stops at the cap either way.
 */
const rankCandidates = (db: FilesDb, statement: Prisma.Sql): Promise<Candidate[]> => db.$queryRaw<Candidate[]>(statement);

/**
 * The statement that finds, ranks and counts the candidates (exported for the bench's EXPLAIN). The cap stops the
 * scan at cap + 1 visible matches (one more tells that it was reached), in the table's physical order (see
 * `rankCandidates`). Per entity the rows after the cursor come first, so the first `take + 1` of them are that
 * entity's best for this page; the first row of every entity carries its count even when none is after the cursor.
 */
export function rankingStatement(parts: {
  tsquery: Prisma.Sql;
  visible: Prisma.Sql[];
  after: Prisma.Sql;
  cap: number;
  take: number;
}): Prisma.Sql {
  const { tsquery, visible, after, cap, take } = parts;
  return Prisma.sql`
    WITH candidate AS MATERIALIZED (
      SELECT s.chunk_id AS id, s.entity_id, ts_rank(s.search_vector, ${tsquery}) AS score
      FROM "files"."search_chunks" s WHERE s.search_vector @@ ${tsquery} AND ${all(...visible)}
      LIMIT ${cap + 1}
    )
    SELECT c.id, c.entity_id AS "entityId", c.score, c.matches::int AS matches, c.listed FROM (
      SELECT c.*, count(*) OVER (PARTITION BY c.entity_id) AS matches, ${after} AS listed,
        row_number() OVER (PARTITION BY c.entity_id ORDER BY ${after} DESC, c.score DESC, c.id) AS place
      FROM candidate c
    ) c WHERE c.place = 1 OR (c.listed AND c.place <= ${take + 1})`;
}

/** Whether core shows the caller a candidate's entity: one batched request for the distinct entities. */
async function shownEntities(
  candidates: Candidate[],
  ask: SearchVisibility['shownEntities'],
): Promise<(entityId: string | null) => boolean> {
  if (!ask) return () => true;
  const entityIds = [...new Set(candidates.flatMap((candidate) => (candidate.entityId === null ? [] : [candidate.entityId])))];
  const shown = new Set(entityIds.length ? await ask(entityIds) : []);
  return (entityId) => entityId !== null && shown.has(entityId);
}

/** The page's rows in its order, with snippets (computed for these rows only), still under the visibility rules. */
async function pageRows(db: FilesDb, page: Candidate[], tsquery: Prisma.Sql, visible: Prisma.Sql[]): Promise<SearchHitRow[]> {
  if (!page.length) return [];
  const rows = await db.$queryRaw<(ChunkRow & { snippet: string })[]>`
    SELECT ${CHUNKS.columns}, ts_headline(${searchLanguage()}::regconfig, k.content, ${tsquery}, ${HEADLINE}) AS snippet
    FROM ${CHUNKS.from} JOIN "files"."search_chunks" s ON s.chunk_id = k.id
    WHERE k.id = ANY(${page.map((candidate) => candidate.id)}::int[]) AND ${all(...visible)}`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return page.flatMap((candidate) => {
    const row = byId.get(candidate.id);
    return row ? [{ ...row, score: candidate.score }] : [];
  });
}

/** Whether the candidate `c` comes after the cursor's (score, id) in the order score DESC, id ASC. Scores are float4, exact in a cursor. */
function afterCursor([score, id]: unknown[]): Prisma.Sql {
  if (typeof score !== 'number' || typeof id !== 'number') throw badUserInput('after', 'is not a cursor of this list');
  return Prisma.sql`(c.score < ${score}::real OR (c.score = ${score}::real AND c.id > ${id}))`;
}

function filterConditions(filter: SearchFilter, boxItemVisible: Prisma.Sql): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.entityId) conditions.push(Prisma.sql`s.entity_id = ${filter.entityId}`);
  if (filter.boxFolderId) {
    // Only under a folder the caller may see: a hidden folder filters like a missing one (nothing).
    conditions.push(
      Prisma.sql`(SELECT f_item.id FROM "files"."box_items" f_item WHERE f_item.box_item_id = ${filter.boxFolderId}) = ANY(s.access)`,
    );
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "files"."box_items" b WHERE b.box_item_id = ${filter.boxFolderId} AND ${boxItemVisible})`,
    );
  }
  return conditions;
}

/** The row a SearchHit's resolvers receive (codegen's mapper). */
export type SearchHit = SearchHitRow;
