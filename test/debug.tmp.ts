import { startProductionStack } from './support/production.ts';
import { ask } from './support/faults.ts';
const stack = await startProductionStack('embedded', {});
const token = await stack.token();
const o = await ask(stack.gatewayUrl, '{ contracts(first: 1) { nodes { id } } }', { token });
console.log(JSON.stringify(o));
for (const s of ['gateway','identity','core'] as const) console.log(s, stack.services[s].output.join('').slice(0, 3000));
await stack.stop();
process.exit(0);
