import type { RawSqlExecutor } from './audit.ts';

/** Remembers which signed headers were used, so a mutation's header works once, across every replica of a subgraph. */
export interface ReplayGuard {
  /** True the first time a header id is presented; false when it was used before. */
  useOnce(jti: string, expiresAt: Date): Promise<boolean>;
}

/** Forgotten ids are swept this often (on a use): they are long expired by then and refused by their signature's expiry. */
const SWEEP_EVERY_MS = 60_000;

/** A ReplayGuard on `platform.claim_uses`, shared by every process that writes the database. */
export function postgresReplayGuard(db: RawSqlExecutor): ReplayGuard {
  let lastSweep = 0;
  return {
    async useOnce(jti, expiresAt) {
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        await db.$executeRawUnsafe(`DELETE FROM "platform"."claim_uses" WHERE expires_at < now() - interval '1 minute'`);
      }
      const inserted = await db.$executeRawUnsafe(
        `INSERT INTO "platform"."claim_uses" (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING`,
        jti,
        expiresAt,
      );
      return inserted === 1;
    },
  };
}
