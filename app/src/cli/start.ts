// pnpm start: runs the stack (serve.ts) in a process group of its own, so that Ctrl-C reaches this process alone and
// the stack shuts down in order — servers first, embedded Postgres last — instead of every process at once.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Generated code and the supergraph, each rebuilt only when its inputs changed. Run from here rather than chained
// in the script, so that the shell pnpm starts is this process alone and Ctrl-C ends it with our exit status.
for (const step of ['generate', 'compose']) {
  const { status } = spawnSync('pnpm', ['-s', step], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

const serve = fileURLToPath(new URL('serve.ts', import.meta.url));
// execArgv carries tsx's loader. The servers' info lines (listening, events delivered) stay out of a developer's terminal
// unless LOG_LEVEL asks for them: the start prints the URL and the token.
const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const stack = spawn(process.execPath, [...process.execArgv, serve], { detached: true, stdio: 'inherit', env });

const stop = () => stack.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
stack.on('exit', (code) => process.exit(code ?? 1));
