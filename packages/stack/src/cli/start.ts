// pnpm start: runs the stack (serve.ts) in a process group of its own, so that Ctrl-C reaches this process alone and
// the stack shuts down in order — servers first, embedded Postgres last — instead of every process at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serve = fileURLToPath(new URL('serve.ts', import.meta.url));
// execArgv carries tsx's loader.
const stack = spawn(process.execPath, [...process.execArgv, serve], { detached: true, stdio: 'inherit' });

const stop = () => stack.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
stack.on('exit', (code) => process.exit(code ?? 1));
