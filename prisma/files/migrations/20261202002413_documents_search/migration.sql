-- Documents belong to any core entity (prj_, ctr_, gnt_, …): project_id becomes entity_id, keeping its values.
ALTER TABLE "files"."project_documents" RENAME COLUMN "project_id" TO "entity_id";
ALTER INDEX "files"."project_documents_project_id_idx" RENAME TO "project_documents_entity_id_idx";

-- Full-text search of chunks: a per-row text search configuration and the vector Postgres keeps in step with it.
ALTER TABLE "files"."kb_index" ADD COLUMN "language" regconfig NOT NULL DEFAULT 'english'::regconfig,
ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector(language, content)) STORED,
ADD COLUMN "archived_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "kb_index_search_vector_idx" ON "files"."kb_index" USING GIN ("search_vector");
