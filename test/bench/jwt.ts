/**
 * `pnpm bench:jwt`: bearer-token work before and after the move from jose to node:crypto (packages/platform/src/jwt.ts),
 * measured side by side in one process, interleaved (A B A B … for JWT_ROUNDS rounds, default 7):
 *  - verify: the gateway's check of an ES256 token, jose's jwtVerify against a JWKS it has fetched (as
 *    createRemoteJWKSet did, keys cached) vs verifyJwt with the key imported once;
 *  - sign: identity's issuance, jose's SignJWT with the private JWK imported per token (as tokens.ts did) vs signJwt
 *    with the key imported once.
 * Prints wall-clock and CPU µs per operation (medians and min–max over rounds; CPU counts every thread of the process,
 * since WebCrypto runs on libuv's pool) and the ratio old ÷ new.
 */
import { generateKeyPairSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { importSigningKey, importVerificationKey, signJwt, verifyJwt, type JwtClaimRules } from '@wrk/platform';

const ROUNDS = Number(process.env.JWT_ROUNDS ?? 7);
const OPS = Number(process.env.JWT_OPS ?? 2_000);
const rules: JwtClaimRules = { algorithm: 'ES256', issuer: 'wrk-identity', audience: 'wrk' };

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = 'bench';
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
const privateJwk = privateKey.export({ format: 'jwk' });
const claims = () => ({
  kind: 'staff',
  tok: 'tok_bench',
  iss: rules.issuer,
  aud: rules.audience,
  sub: 'usr_bench',
  jti: 'bench-jti',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 3600,
});

const signer = importSigningKey(privateJwk, 'ES256', kid);
const verifier = importVerificationKey(publicJwk, 'ES256');
const token = signJwt(claims(), signer);
const jwks = createLocalJWKSet({ keys: [publicJwk] });

const cases = {
  verify: {
    jose: () => jwtVerify(token, jwks, { issuer: rules.issuer, audience: rules.audience, algorithms: ['ES256'] }),
    crypto: () => verifyJwt(token, () => verifier, rules),
  },
  sign: {
    jose: async () => {
      const { iss, aud, sub, jti, exp, ...rest } = claims();
      return new SignJWT(rest)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject(sub)
        .setJti(jti)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(await importJWK(privateJwk, 'ES256'));
    },
    crypto: async () => signJwt(claims(), signer),
  },
};

interface Sample {
  /** Wall-clock µs per operation. */
  wall: number;
  /** CPU µs per operation, all of the process's threads (WebCrypto runs on libuv's pool). */
  cpu: number;
}

/** µs per operation of `ops` sequential calls. */
async function time(operation: () => Promise<unknown>, ops: number): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await operation();
  const wall = Number(process.hrtime.bigint() - start) / 1_000 / ops;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / ops };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const summary = (values: number[], digits = 1) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;

async function main() {
  const lines = ['| operation | measure | jose µs/op | node:crypto µs/op | jose ÷ node:crypto |', '|---|---|---|---|---|'];
  for (const [name, { jose, crypto }] of Object.entries(cases)) {
    await time(jose, OPS / 4); // warm-up of both
    await time(crypto, OPS / 4);
    const old: Sample[] = [];
    const now: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      old.push(await time(jose, OPS));
      now.push(await time(crypto, OPS));
    }
    for (const measure of ['wall', 'cpu'] as const) {
      const before = old.map((sample) => sample[measure]);
      const after = now.map((sample) => sample[measure]);
      const ratios = before.map((value, i) => value / after[i]!);
      lines.push(`| ES256 ${name} | ${measure} | ${summary(before)} | ${summary(after)} | ${summary(ratios, 2)}× |`);
    }
  }
  console.log(
    `${ROUNDS} interleaved rounds of ${OPS} operations each; medians (min–max); load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}\n`,
  );
  console.log(lines.join('\n'));
}

await main();
