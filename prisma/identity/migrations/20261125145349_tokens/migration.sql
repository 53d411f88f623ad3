-- CreateEnum
CREATE TYPE "identity"."TokenKind" AS ENUM ('staff', 'agent');

-- CreateTable
CREATE TABLE "identity"."api_tokens" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "kind" "identity"."TokenKind" NOT NULL,
    "user_id" INTEGER NOT NULL,
    "agent_name" TEXT,
    "scopes" TEXT[],
    "allow" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "jti_hash" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,
    "actor" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "identity"."signing_keys" (
    "kid" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_jwk" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_external_id_key" ON "identity"."api_tokens"("external_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_jti_hash_key" ON "identity"."api_tokens"("jti_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "identity"."api_tokens"("user_id");

-- AddForeignKey
ALTER TABLE "identity"."api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "identity"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written invariants (Prisma cannot express them)
ALTER TABLE "identity"."api_tokens" ADD CONSTRAINT "api_tokens_external_id_format" CHECK (external_id ~ '^tok_[0-9a-z]{6,32}$');
ALTER TABLE "identity"."api_tokens" ADD CONSTRAINT "api_tokens_attribution" CHECK (actor <> '' AND source_system <> '');
ALTER TABLE "identity"."api_tokens" ADD CONSTRAINT "api_tokens_agent_named" CHECK ((kind = 'agent') = (agent_name IS NOT NULL));
ALTER TABLE "identity"."api_tokens" ADD CONSTRAINT "api_tokens_revocation" CHECK ((revoked_at IS NULL) = (revoked_by IS NULL));
