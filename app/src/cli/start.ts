// pnpm start: runs the stack (serve.ts) in a process group of its own, so that Ctrl-C reaches this process alone and
// the stack shuts down in order — servers first, embedded Postgres last — instead of every process at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Generated code, the supergraph and the explorer's assets, each rebuilt only when its inputs changed (content
// hashes). The steps run in this process, one after the other (their modules check and write at import): spawning
// pnpm and tsx for each cost seconds on every start.
await import('../../../packages/migrate/src/cli/generate.ts');
await import('../../../tools/codegen.ts');
await import('../../../gateway/src/cli/compose.ts');
await import('../../../gateway/src/cli/build-explorer.ts');

const serve = fileURLToPath(new URL('serve.ts', import.meta.url));
// execArgv carries tsx's loader. The servers' info lines (listening, events delivered) stay out of a developer's terminal
// unless LOG_LEVEL asks for them: the start prints the URL and the token.
const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const stack = spawn(process.execPath, [...process.execArgv, serve], { detached: true, stdio: 'inherit', env });

const stop = () => stack.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
stack.on('exit', (code) => process.exit(code ?? 1));
