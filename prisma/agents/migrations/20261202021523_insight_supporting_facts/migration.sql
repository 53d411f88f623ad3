-- AlterTable
ALTER TABLE "agents"."knowledge_insights" ADD COLUMN     "supporting_fact_ids" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Hand-written (also in prisma/agents/constraints.sql): only fact IDs.
ALTER TABLE "agents"."knowledge_insights" ADD CONSTRAINT "knowledge_insights_supporting_facts" CHECK (array_to_string(supporting_fact_ids, ',') ~ '^(fct_[0-9a-z]{6,32}(,|$))*$');
