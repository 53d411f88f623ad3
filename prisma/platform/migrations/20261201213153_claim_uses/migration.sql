-- CreateTable
CREATE TABLE "platform"."claim_uses" (
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "claim_uses_pkey" PRIMARY KEY ("jti")
);

-- CreateIndex
CREATE INDEX "claim_uses_expires_at_idx" ON "platform"."claim_uses"("expires_at");
