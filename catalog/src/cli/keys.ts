import { resolve } from 'node:path';
import { ensureServiceKeys, retireOldKeys, rotateServiceKey } from '@wrk/platform';
import { SERVICES, type ServiceName } from '../keys.ts';

const usage = `usage:
  pnpm keys generate <dir>            key pairs for every service that has none (${SERVICES.join(', ')})
  pnpm keys rotate <dir> <service>    a new key pair; the old public key keeps verifying
  pnpm keys retire <dir> <service>    drop the service's old public keys (after every process runs the new key)`;

const [command, dirArgument, service] = process.argv.slice(2);
const isService = (name: string | undefined): name is ServiceName => SERVICES.some((known) => known === name);

if (command === '--help' || command === '-h') {
  console.log(usage);
  process.exit(0);
}
if (!dirArgument) {
  console.error(usage);
  process.exit(2);
}
const dir = resolve(dirArgument);
try {
  run();
} catch (error) {
  console.error(`pnpm keys ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

function run() {
  if (command === 'generate') {
    ensureServiceKeys(dir, SERVICES);
    console.log(`keys of ${SERVICES.join(', ')} in ${dir}: give each process its own <service>.key.pem and every *.pub.pem`);
  } else if ((command === 'rotate' || command === 'retire') && isService(service)) {
    if (command === 'rotate')
      console.log(`new ${service} key ${rotateServiceKey(dir, service)}: distribute ${service}.pub.pem, then restart ${service}`);
    else {
      retireOldKeys(dir, service);
      console.log(`${service}.pub.pem holds only the current key: distribute it`);
    }
  } else {
    console.error(usage);
    process.exit(2);
  }
}
