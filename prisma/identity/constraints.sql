-- Invariants Prisma cannot express. Appended verbatim to the slice's migration.
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_external_id_format" CHECK (external_id ~ '^usr_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."teams" ADD CONSTRAINT "teams_external_id_format" CHECK (external_id ~ '^team_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_external_id_format" CHECK (external_id ~ '^prm_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."teams" ADD CONSTRAINT "teams_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."team_memberships" ADD CONSTRAINT "team_memberships_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."users" ADD CONSTRAINT "users_email_lowercase" CHECK (email = lower(email) AND email LIKE '%_@_%');
ALTER TABLE "identity"."entity_permissions" ADD CONSTRAINT "entity_permissions_not_empty" CHECK (entity_id <> '' AND subject_id <> '' AND granted_by <> '');
-- (api_tokens constraints live in the 20261125145349_tokens migration)
