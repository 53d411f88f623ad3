// The demo organisation's Box on its own: `tsx demo/src/cli/box.ts` (FAKE_BOX_PORT, default any free port).
// Prints the base URL and a fresh developer token to point the SDK (or curl) at.
import { randomBytes } from 'node:crypto';
import { DEFAULT_APP, startFakeBox } from '@wrk/fake-box';
import { createDemoBox, DEMO_BOX } from '../box.ts';

const token = randomBytes(24).toString('base64url');
const fake = await startFakeBox({ state: createDemoBox(), port: Number(process.env.FAKE_BOX_PORT ?? 0), developerTokens: [token] });
console.log(
  `Fake Box API (demo organisation) on ${fake.url}\n` +
    `  Developer token: ${token}\n` +
    `  CCG: client id ${DEFAULT_APP.clientId}, client secret ${DEFAULT_APP.clientSecret}, enterprise ${DEMO_BOX.enterpriseId}\n` +
    `  Try: curl -H "Authorization: Bearer ${token}" ${fake.url}/2.0/folders/0/items`,
);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
