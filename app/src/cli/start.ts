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
// execArgv carries tsx's loader.
const stack = spawn(process.execPath, [...process.execArgv, serve], { detached: true, stdio: 'inherit' });

const stop = () => stack.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
stack.on('exit', (code) => process.exit(code ?? 1));
