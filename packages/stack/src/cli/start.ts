import { startStack } from '../index.ts';

const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL,
  gatewayPort: Number(process.env.PORT ?? 4000),
  host: process.env.HOST,
});
console.log(`\nWRK v2 is up.\n  Explorer and API: ${stack.gatewayUrl}\n  Database: ${stack.databaseUrl}\n`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
