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

const HEADLINE = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=30, MinWords=10';
const ORDER: SortKey[] = [{ field: 'score', direction: 'desc' }];

/**
 * One page of the chunks matching `websearch_to_tsquery(query)`, best first (then by id), among the rows the
 * visibility conditions allow: the permission filter is inside the statement, so only visible rows are ranked
 * and counted. Snippets are computed for the page's rows only. Keyset cursors (score, id) bound to the query
 * and filter, like every list.
 */
export async function searchChunks(
  db: FilesDb,
  args: SearchArgs,
  /** The visibility conditions on `k` and `d`, given the match condition on `k` (rows outside it need no check). */
  visibleAmong: (matching: Prisma.Sql) => Promise<Prisma.Sql[]>,
  boxItemVisible: Prisma.Sql,
): Promise<Connection<SearchHitRow>> {
  const text = args.query.trim();
  if (!text) throw badUserInput('query', 'must not be empty');
  if (text.length > 1000) throw badUserInput('query', 'must be at most 1000 characters');
  const take = pageSize(args.first);
  const binding = listBinding({ list: 'Query.searchDocuments', args: { ...args, query: text } }, ORDER);
  const tsquery = Prisma.sql`websearch_to_tsquery(${searchLanguage()}::regconfig, ${text})`;
  const matching = Prisma.sql`(k.archived_at IS NULL AND k.search_vector @@ ${tsquery})`;
  const conditions = [matching, ...(await visibleAmong(matching)), ...filterConditions(args.filter, boxItemVisible)];
  const after = args.after ? afterCursor(decodeCursor(args.after, binding, ORDER.length)) : [];
  // Ranking needs every visible match anyway, so the total comes from the same pass (a window count). That pass
  // carries only (id, score): the rows' columns are read for the page alone, after the cut (carrying the content
  // of thousands of matches through the window spilled it to disk), and snippets are made for the page only.
  const rows = await db.$queryRaw<(SearchHitRow & { total: number })[]>`
    SELECT ${CHUNKS.columns}, page.score, page.total, ts_headline(${searchLanguage()}::regconfig, k.content, ${tsquery}, ${HEADLINE}) AS snippet
    FROM (
      SELECT hit.* FROM (
        SELECT k.id, ts_rank(k.search_vector, ${tsquery}) AS score, count(*) OVER ()::int AS total
        FROM ${CHUNKS.from} WHERE ${all(...conditions)}
      ) hit
      WHERE ${all(Prisma.sql`TRUE`, ...after)} ORDER BY hit.score DESC, hit.id LIMIT ${take + 1}
    ) page JOIN ${CHUNKS.from} ON k.id = page.id ORDER BY page.score DESC, page.id`;
  const total = rows[0]?.total;
  let counted: Promise<number> | undefined;
  const totalCount: PromiseLike<number> = {
    then: (onFulfilled, onRejected) =>
      (counted ??=
        total !== undefined
          ? Promise.resolve(total)
          : db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM ${CHUNKS.from} WHERE ${all(...conditions)}`.then(
              ([row]) => row?.count ?? 0,
            )).then(onFulfilled, onRejected),
  };
  return toConnection(rows, args, totalCount, (row) => encodeCursor(binding, keyValues(row, ['score'])));
}

/** Rows of `hit` after the cursor's (score, id) in the order score DESC, id ASC. Scores are float4, exact in a cursor. */
function afterCursor([score, id]: unknown[]): Prisma.Sql[] {
  if (typeof score !== 'number' || typeof id !== 'number') throw badUserInput('after', 'is not a cursor of this list');
  return [Prisma.sql`(hit.score < ${score}::real OR (hit.score = ${score}::real AND hit.id > ${id}))`];
}

function filterConditions(filter: SearchFilter, boxItemVisible: Prisma.Sql): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.entityId) conditions.push(Prisma.sql`d.entity_id = ${filter.entityId}`);
  if (filter.boxFolderId) {
    // Only under a folder the caller may see: a hidden folder filters like a missing one (nothing).
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "files"."box_items" f_item JOIN "files"."box_item_ancestors" f_anc ON f_anc.item_box_id = f_item.box_item_id
      WHERE f_item.id = d.box_item_id AND f_anc.ancestor_box_id = ${filter.boxFolderId})`);
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "files"."box_items" b WHERE b.box_item_id = ${filter.boxFolderId} AND ${boxItemVisible})`,
    );
  }
  return conditions;
}

/** The row a SearchHit's resolvers receive (codegen's mapper). */
export type SearchHit = SearchHitRow;
