-- CreateTable
CREATE TABLE "files"."search_chunks" (
    "chunk_id" INTEGER NOT NULL,
    "chunk_external_id" TEXT NOT NULL,
    "document_id" INTEGER NOT NULL,
    "document_external_id" TEXT NOT NULL,
    "entity_id" TEXT,
    "box_item_id" TEXT,
    "owner_box_user_id" TEXT,
    "live" BOOLEAN NOT NULL,
    "access" INTEGER[],
    "search_vector" tsvector,

    CONSTRAINT "search_chunks_pkey" PRIMARY KEY ("chunk_id")
);

-- CreateIndex
CREATE INDEX "search_chunks_search_vector_idx" ON "files"."search_chunks" USING GIN ("search_vector");

-- Hand-written: search_chunks is derived data, kept in step with its sources by the triggers below, inside the
-- writing transaction (the sync, webhooks and document writes need no code of their own for it).

-- Rebuilds the search rows of these chunks from kb_index, project_documents, box_items and box_item_ancestors.
-- The transaction-scoped lock serialises refreshes: each statement after it reads with a fresh snapshot (READ
-- COMMITTED), so a refresh waiting on another transaction's sees that transaction's committed changes and cannot
-- write back a stale row (for example an item trashed meanwhile still marked live).
CREATE FUNCTION "files".search_chunks_refresh(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('files.search_chunks_refresh'));
  -- unnest joins, not = ANY(ids): a full sync or a bulk load passes 100,000 IDs.
  DELETE FROM "files"."search_chunks" s USING unnest(ids) AS i(id)
   WHERE s.chunk_id = i.id
     AND NOT EXISTS (SELECT 1 FROM "files"."kb_index" k JOIN "files"."project_documents" d ON d.id = k.document_id
                      WHERE k.id = s.chunk_id AND k.archived_at IS NULL AND d.archived_at IS NULL);
  INSERT INTO "files"."search_chunks" AS s (chunk_id, chunk_external_id, document_id, document_external_id, entity_id,
      box_item_id, owner_box_user_id, live, access, search_vector)
  SELECT k.id, k.external_id, d.id, d.external_id, d.entity_id, b.box_item_id, b.owner_box_user_id,
         coalesce(b.trashed_at IS NULL AND b.item_status = 'active', false),
         -- Each ancestor's row ID by its unique Box ID, not a join: within a bulk load's transaction (no statistics
         -- yet) the planner would hash all of box_items for every chunk.
         ARRAY(SELECT x.id FROM (SELECT (SELECT ab.id FROM "files"."box_items" ab WHERE ab.box_item_id = a.ancestor_box_id) AS id
                                  FROM "files"."box_item_ancestors" a WHERE a.item_box_id = b.box_item_id) x
                WHERE x.id IS NOT NULL),
         k.search_vector
    FROM (SELECT DISTINCT id FROM unnest(ids) AS i(id)) i
    JOIN "files"."kb_index" k ON k.id = i.id
    JOIN "files"."project_documents" d ON d.id = k.document_id
    LEFT JOIN "files"."box_items" b ON b.id = d.box_item_id
   WHERE k.archived_at IS NULL AND d.archived_at IS NULL
  ON CONFLICT (chunk_id) DO UPDATE SET chunk_external_id = EXCLUDED.chunk_external_id, document_id = EXCLUDED.document_id,
      document_external_id = EXCLUDED.document_external_id, entity_id = EXCLUDED.entity_id, box_item_id = EXCLUDED.box_item_id,
      owner_box_user_id = EXCLUDED.owner_box_user_id, live = EXCLUDED.live, access = EXCLUDED.access,
      search_vector = EXCLUDED.search_vector
    WHERE (s.chunk_external_id, s.document_id, s.document_external_id, s.entity_id, s.box_item_id, s.owner_box_user_id, s.live, s.access, s.search_vector)
      IS DISTINCT FROM (EXCLUDED.chunk_external_id, EXCLUDED.document_id, EXCLUDED.document_external_id, EXCLUDED.entity_id,
        EXCLUDED.box_item_id, EXCLUDED.owner_box_user_id, EXCLUDED.live, EXCLUDED.access, EXCLUDED.search_vector);
END $$;

-- The chunks of the documents on these Box items (Box IDs).
CREATE FUNCTION "files".search_chunks_of_box_items(box_ids text[]) RETURNS integer[] LANGUAGE sql STABLE AS $$
  SELECT ARRAY(SELECT k.id FROM (SELECT DISTINCT id FROM unnest(box_ids) AS i(id)) i
                 JOIN "files"."box_items" b ON b.box_item_id = i.id
                 JOIN "files"."project_documents" d ON d.box_item_id = b.id
                 JOIN "files"."kb_index" k ON k.document_id = d.id);
$$;

-- kb_index: the chunks written.
CREATE FUNCTION "files".search_chunks_from_kb_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM "files".search_chunks_refresh(ARRAY(SELECT id FROM old_rows));
  ELSE
    PERFORM "files".search_chunks_refresh(ARRAY(SELECT id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_chunks_kb_insert AFTER INSERT ON "files"."kb_index"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_kb_index();
CREATE TRIGGER search_chunks_kb_update AFTER UPDATE ON "files"."kb_index"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_kb_index();
CREATE TRIGGER search_chunks_kb_delete AFTER DELETE ON "files"."kb_index"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_kb_index();

-- project_documents: the chunks of documents whose entity, Box item, archive or external ID changed, or that are gone.
CREATE FUNCTION "files".search_chunks_from_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "files"."search_chunks" WHERE document_id IN (SELECT id FROM old_rows);
  ELSE
    PERFORM "files".search_chunks_refresh(ARRAY(
      SELECT k.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN "files"."kb_index" k ON k.document_id = n.id
       WHERE (n.entity_id, n.box_item_id, n.archived_at, n.external_id) IS DISTINCT FROM (o.entity_id, o.box_item_id, o.archived_at, o.external_id)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_chunks_documents_update AFTER UPDATE ON "files"."project_documents"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_documents();
CREATE TRIGGER search_chunks_documents_delete AFTER DELETE ON "files"."project_documents"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_documents();

-- box_items: the chunks on items whose owner, status or trash changed (a sync's other updates change nothing here),
-- and, when an item appears or its Box ID changes, on everything under it (`access` holds the ancestors' row IDs).
CREATE FUNCTION "files".search_chunks_from_box_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "files".search_chunks_refresh("files".search_chunks_of_box_items(ARRAY(
      SELECT a.item_box_id FROM new_rows n JOIN "files"."box_item_ancestors" a ON a.ancestor_box_id = n.box_item_id)));
    RETURN NULL;
  END IF;
  PERFORM "files".search_chunks_refresh(ARRAY(
    SELECT k.id FROM new_rows n JOIN old_rows o ON o.id = n.id
      JOIN "files"."project_documents" d ON d.box_item_id = n.id JOIN "files"."kb_index" k ON k.document_id = d.id
     WHERE (n.box_item_id, n.owner_box_user_id, n.trashed_at, n.item_status)
       IS DISTINCT FROM (o.box_item_id, o.owner_box_user_id, o.trashed_at, o.item_status)));
  PERFORM "files".search_chunks_refresh("files".search_chunks_of_box_items(ARRAY(
    SELECT a.item_box_id FROM new_rows n JOIN old_rows o ON o.id = n.id
      JOIN "files"."box_item_ancestors" a ON a.ancestor_box_id IN (n.box_item_id, o.box_item_id)
     WHERE n.box_item_id IS DISTINCT FROM o.box_item_id)));
  RETURN NULL;
END $$;
CREATE TRIGGER search_chunks_box_items_insert AFTER INSERT ON "files"."box_items"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_box_items();
CREATE TRIGGER search_chunks_box_items_update AFTER UPDATE ON "files"."box_items"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_box_items();

-- box_item_ancestors: the chunks on items whose closure changed (moves, new items).
CREATE FUNCTION "files".search_chunks_from_ancestors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM "files".search_chunks_refresh("files".search_chunks_of_box_items(ARRAY(SELECT DISTINCT item_box_id FROM old_rows)));
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "files".search_chunks_refresh("files".search_chunks_of_box_items(ARRAY(SELECT DISTINCT item_box_id FROM new_rows)));
  ELSE
    PERFORM "files".search_chunks_refresh("files".search_chunks_of_box_items(ARRAY(
      SELECT item_box_id FROM new_rows UNION SELECT item_box_id FROM old_rows)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_chunks_ancestors_insert AFTER INSERT ON "files"."box_item_ancestors"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_ancestors();
CREATE TRIGGER search_chunks_ancestors_update AFTER UPDATE ON "files"."box_item_ancestors"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_ancestors();
CREATE TRIGGER search_chunks_ancestors_delete AFTER DELETE ON "files"."box_item_ancestors"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_from_ancestors();

-- TRUNCATE fires no DELETE trigger: emptied chunks empty the search rows, an emptied closure recomputes them all.
CREATE FUNCTION "files".search_chunks_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'kb_index' THEN
    DELETE FROM "files"."search_chunks";
  ELSE
    PERFORM "files".search_chunks_refresh(ARRAY(SELECT chunk_id FROM "files"."search_chunks"));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_chunks_kb_truncate AFTER TRUNCATE ON "files"."kb_index"
  FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_after_truncate();
CREATE TRIGGER search_chunks_ancestors_truncate AFTER TRUNCATE ON "files"."box_item_ancestors"
  FOR EACH STATEMENT EXECUTE FUNCTION "files".search_chunks_after_truncate();

-- The chunks already there.
SELECT "files".search_chunks_refresh(ARRAY(SELECT id FROM "files"."kb_index"));
