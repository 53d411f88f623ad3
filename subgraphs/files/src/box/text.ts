import type { BoxClient } from 'box-node-sdk';
import { logger, newExternalId } from '@wrk/platform';
import type { FilesDb } from '../db.ts';
import { BOX_SYNC_ACTOR, BOX_SYNC_SOURCE } from './mirror.ts';

/**
 * The text of Box files that back a project document, in kb_index chunks: downloaded again only when the file's
 * etag differs from the one last indexed (kept in box_sync_state under `text:<box id>`), split on paragraph
 * boundaries into chunks of about CHUNK_CHARS characters. Chunks keep their IDs by position; only changed
 * content is written. Files whose bytes are not text (a PDF, an image) are skipped: extraction is not done here.
 */
export const CHUNK_CHARS = 1000;
const MAX_BYTES = 10 * 1024 * 1024;
const log = logger.child({ component: 'box-sync' });

/** Paragraphs packed into chunks of at most `size` characters; a longer paragraph is cut at word boundaries. */
export function chunkText(text: string, size = CHUNK_CHARS): string[] {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => splitLong(p, size));
  const chunks: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    if (current && current.length + 2 + paragraph.length > size) {
      chunks.push(current);
      current = paragraph;
    } else current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) chunks.push(current);
  return chunks;
}

function splitLong(paragraph: string, size: number): string[] {
  const parts: string[] = [];
  let rest = paragraph;
  while (rest.length > size) {
    const cut = rest.lastIndexOf(' ', size);
    const at = cut > size / 2 ? cut : size;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const replaced = (text.match(/\uFFFD/g) ?? []).length;
  return replaced > text.length / 100 ? null : text;
}

async function download(client: BoxClient, fileId: string): Promise<Buffer | null> {
  const stream = await client.downloads.downloadFile(fileId);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > MAX_BYTES) {
      stream.destroy();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

interface Stale {
  documentId: number;
  boxId: string;
  etag: string;
}

/** Re-indexes the documents whose Box file changed (all of them, or those of the given Box items); returns how many. */
export async function syncDocumentTexts(db: FilesDb, client: BoxClient, boxIds?: string[]): Promise<number> {
  const stale = await db.$queryRaw<Stale[]>`
    SELECT d.id AS "documentId", b.box_item_id AS "boxId", b.etag
      FROM files.project_documents d
      JOIN files.box_items b ON b.id = d.box_item_id
      LEFT JOIN files.box_sync_state s ON s.key = 'text:' || b.box_item_id
     WHERE b.box_item_type = 'file' AND b.item_status = 'active' AND b.etag IS NOT NULL AND d.archived_at IS NULL
       AND s.stream_position IS DISTINCT FROM b.etag
       AND (${boxIds ?? null}::text[] IS NULL OR b.box_item_id = ANY(${boxIds ?? null}::text[]))`;
  let indexed = 0;
  for (const doc of stale) {
    const bytes = await download(client, doc.boxId);
    const text = bytes && asText(bytes);
    if (text === null) log.info({ boxId: doc.boxId }, 'Box file is not text; not indexed');
    await writeChunks(db, doc, text === null ? null : chunkText(text));
    indexed++;
  }
  return indexed;
}

/** The document's chunks become `chunks` (null: leave them, the file is not text), and its etag is noted as indexed. */
async function writeChunks(db: FilesDb, doc: Stale, chunks: string[] | null): Promise<void> {
  const key = `text:${doc.boxId}`;
  await db.$transaction(async (tx) => {
    if (chunks) {
      // Chunks are archived, never deleted: facts and links may cite them.
      await tx.kbChunk.updateMany({
        where: { documentId: doc.documentId, chunkIndex: { gte: chunks.length }, archivedAt: null },
        data: { archivedAt: new Date() },
      });
      const rows = chunks.map((content, chunkIndex) => ({ externalId: newExternalId('kb'), chunkIndex, content }));
      await tx.$executeRaw`
        INSERT INTO files.kb_index AS k (external_id, document_id, chunk_index, content, actor, source_system, updated_at)
        SELECT r."externalId", ${doc.documentId}, r."chunkIndex", r.content, ${BOX_SYNC_ACTOR}, ${BOX_SYNC_SOURCE}, now()
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("externalId" text, "chunkIndex" int, content text)
        ON CONFLICT (document_id, chunk_index) DO UPDATE SET content = EXCLUDED.content, actor = EXCLUDED.actor,
            source_system = EXCLUDED.source_system, updated_at = now(), archived_at = NULL
          WHERE k.content IS DISTINCT FROM EXCLUDED.content OR k.archived_at IS NOT NULL`;
    }
    await tx.boxSyncState.upsert({ where: { key }, create: { key, streamPosition: doc.etag }, update: { streamPosition: doc.etag } });
  });
}
