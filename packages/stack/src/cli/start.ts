import { startStack } from '../index.ts';

const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL,
  gatewayPort: Number(process.env.PORT ?? 4000),
  host: process.env.HOST,
});
console.log(`\nWRK v2 is up.\n  Explorer and API: ${stack.gatewayUrl}\n  Database: ${stack.databaseUrl}`);
if (stack.demoToken) {
  console.log(`  Demo admin token (12 h) — in the explorer's Headers: {"Authorization": "Bearer <token>"}\n${stack.demoToken}`);
}
console.log('  More tokens: pnpm wrk token create --user staff@wrk.demo\n');

// Ctrl-C reaches this process twice (from the terminal and relayed by tsx): shut down once, ignore the rest.
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
