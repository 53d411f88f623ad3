/**
 * pnpm wrk: routes `token …` and `keys …` to identity's CLI and `box …` to files' CLI (each parses the same argv).
 */
const USAGE = `usage: pnpm wrk token create --user EMAIL [--agent NAME --scopes a,b] [--allow ID,…] [--ttl SECONDS]
       pnpm wrk token revoke TOKEN_ID
       pnpm wrk keys rotate
       pnpm wrk box sync [--full [--folder ID]]   Box → WRK: the whole tree, or the changes since the last sync`;

// The CLIs print results, not the services' info lines.
process.env.LOG_LEVEL ??= 'warn';

const [command] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
if (command === 'token' || command === 'keys') await import('@wrk/subgraph-identity/cli');
else if (command === 'box') await import('@wrk/subgraph-files/cli');
else {
  console.error(`unknown command "${command}" (pnpm wrk --help for usage)`);
  process.exit(2);
}
