import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import {
  cachedJwtVerifier,
  decodeJwt,
  importSigningKey,
  importVerificationKey,
  JwtError,
  KeySetUnavailableError,
  RemoteKeySet,
  signJwt,
  verifyJwt,
  type JwtClaimRules,
  type JwtPayload,
} from '../src/jwt.ts';

const rules: JwtClaimRules = { algorithm: 'ES256', issuer: 'issuer', audience: 'audience' };
const now = () => Math.floor(Date.now() / 1000);

function keyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
    signer: importSigningKey(privateKey.export({ format: 'jwk' }), 'ES256', kid),
    verifier: importVerificationKey(publicKey.export({ format: 'jwk' }), 'ES256'),
  };
}

const valid = (extra: JwtPayload = {}): JwtPayload => ({ iss: 'issuer', aud: 'audience', sub: 'usr_1', exp: now() + 60, ...extra });
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT on node:crypto', () => {
  const key = keyPair('k1');
  const keyFor = () => key.verifier;

  it('verifies what it signs, and returns the payload', async () => {
    const token = signJwt(valid({ tok: 'tok_1' }), key.signer);
    expect(decodeJwt(token).header).toEqual({ alg: 'ES256', kid: 'k1', typ: 'JWT' });
    expect(await verifyJwt(token, keyFor, rules)).toMatchObject({ sub: 'usr_1', tok: 'tok_1' });
  });

  it('refuses a bad signature, another key, and a changed payload', async () => {
    const token = signJwt(valid(), key.signer);
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    await expect(verifyJwt(`${header}.${payload}.${flipped}`, keyFor, rules)).rejects.toThrow(JwtError);
    await expect(verifyJwt(token, () => keyPair('k1').verifier, rules)).rejects.toThrow('signature verification failed');
    const widened = encode({ ...decodeJwt(token).payload, sub: 'usr_admin' });
    await expect(verifyJwt(`${header}.${widened}.${signature}`, keyFor, rules)).rejects.toThrow('signature verification failed');
  });

  it('refuses alg none and an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const payload = encode(valid());
    await expect(verifyJwt(`${encode({ alg: 'none', kid: 'k1' })}.${payload}.`, keyFor, rules)).rejects.toThrow(JwtError);
    await expect(verifyJwt(`${encode({ alg: 'none', kid: 'k1' })}.${payload}.AAAA`, keyFor, rules)).rejects.toThrow('"alg"');
    const input = `${encode({ alg: 'HS256', kid: 'k1' })}.${payload}`;
    const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
    const mac = createHmac('sha256', secret).update(input).digest('base64url');
    await expect(verifyJwt(`${input}.${mac}`, keyFor, rules)).rejects.toThrow('"alg"');
  });

  it('refuses a critical header extension it does not know', async () => {
    const input = `${encode({ alg: 'ES256', kid: 'k1', crit: ['exp'] })}.${encode(valid())}`;
    const signature = sign('sha256', Buffer.from(input), { key: key.signer.key, dsaEncoding: 'ieee-p1363' });
    await expect(verifyJwt(`${input}.${signature.toString('base64url')}`, keyFor, rules)).rejects.toThrow('"crit"');
  });

  it('holds issuer, audience, expiry and not-before, without clock tolerance unless given', async () => {
    const refused = async (payload: JwtPayload, message: string) =>
      expect(verifyJwt(signJwt(payload, key.signer), keyFor, rules)).rejects.toThrow(message);
    await refused(valid({ iss: 'someone-else' }), '"iss"');
    await refused(valid({ aud: 'other' }), '"aud"');
    await refused(valid({ exp: now() }), '"exp"');
    await refused(valid({ exp: undefined }), '"exp"');
    await refused(valid({ exp: String(now() + 60) }), '"exp"');
    await refused(valid({ nbf: now() + 30 }), '"nbf"');
    await refused(valid({ iat: 'yesterday' }), '"iat"');
    await expect(verifyJwt(signJwt(valid({ aud: ['x', 'audience'] }), key.signer), keyFor, rules)).resolves.toBeDefined();
    const late = signJwt(valid({ exp: now() - 2 }), key.signer);
    await expect(verifyJwt(late, keyFor, { ...rules, clockToleranceSeconds: 5 })).resolves.toBeDefined();
  });

  it('refuses malformed tokens and one without a kid', async () => {
    for (const token of ['', 'a.b', 'a.b.c.d', `${encode({ alg: 'ES256' })}.bm90IGpzb24.AAAA`, `${encode([1])}.${encode(valid())}.AAAA`]) {
      await expect(verifyJwt(token, keyFor, rules)).rejects.toThrow(JwtError);
    }
    const input = `${encode({ alg: 'ES256' })}.${encode(valid())}`;
    await expect(verifyJwt(`${input}.AAAA`, keyFor, rules)).rejects.toThrow('"kid"');
  });

  it('imports only keys that fit the algorithm', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => importVerificationKey(p384.publicKey.export({ format: 'jwk' }), 'ES256')).toThrow('does not fit');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => importSigningKey(rsa.privateKey.export({ format: 'jwk' }), 'ES256', 'r')).toThrow('does not fit');
  });
});

describe('cachedJwtVerifier', () => {
  const key = keyPair('k1');

  it('verifies a token once: the same bytes under the same key are not checked again', async () => {
    const verifier = importVerificationKey(key.jwk, 'ES256');
    const verify = cachedJwtVerifier(() => verifier, rules);
    const token = signJwt(valid({ tok: 'tok_1' }), key.signer);
    expect(await verify(token)).toMatchObject({ tok: 'tok_1' });
    // Were the signature checked again, the key swapped under the same object would refuse it.
    verifier.key = keyPair('k1').publicKey;
    expect(await verify(token)).toMatchObject({ tok: 'tok_1' });
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    await expect(verify(`${header}.${payload}.${flipped}`)).rejects.toThrow('signature verification failed');
  });

  it('verifies anew under a key that is no longer the one the set returns', async () => {
    let current = key.verifier;
    const verify = cachedJwtVerifier(() => current, rules);
    const token = signJwt(valid(), key.signer);
    await expect(verify(token)).resolves.toBeDefined();
    current = keyPair('k1').verifier;
    await expect(verify(token)).rejects.toThrow('signature verification failed');
    await expect(cachedJwtVerifier(() => Promise.reject(new JwtError('no applicable key')), rules)(token)).rejects.toThrow(
      'no applicable key',
    );
  });

  it('refuses a remembered token once it has expired, and never remembers a refused one', async () => {
    let calls = 0;
    const verify = cachedJwtVerifier(() => {
      calls += 1;
      return key.verifier;
    }, rules);
    const expiry = now() + 1;
    const token = signJwt(valid({ exp: expiry }), key.signer);
    await expect(verify(token)).resolves.toBeDefined();
    while (now() < expiry) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(verify(token)).rejects.toThrow('"exp"');
    const wrongAudience = signJwt(valid({ aud: 'other' }), key.signer);
    await expect(verify(wrongAudience)).rejects.toThrow('"aud"');
    await expect(verify(wrongAudience)).rejects.toThrow('"aud"');
    expect(calls).toBe(4);
  });
});

describe('RemoteKeySet', () => {
  let server: Server;
  let base = '';
  let fetches = 0;
  let answer: (respond: (status: number, body: unknown) => void) => void;
  const first = keyPair('first');
  const second = keyPair('second');

  beforeAll(async () => {
    server = createServer((_request, response) => {
      fetches += 1;
      answer((status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not a TCP server');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    fetches = 0;
  });

  const url = () => new URL(`${base}/.well-known/jwks.json`);
  const serving = (...keys: object[]) => {
    answer = (respond) => respond(200, { keys });
  };

  it('fetches once, and again for an unknown kid at most once per cooldown', async () => {
    serving(first.jwk);
    const keys = new RemoteKeySet(url(), { algorithm: 'ES256', timeoutMs: 1_000, cooldownMs: 300 });
    const token = signJwt(valid(), first.signer);
    await Promise.all([1, 2, 3].map(() => verifyJwt(token, (kid) => keys.key(kid), rules)));
    expect(fetches).toBe(1);

    serving(first.jwk, second.jwk);
    const rotated = signJwt(valid(), second.signer);
    await expect(verifyJwt(rotated, (kid) => keys.key(kid), rules)).rejects.toThrow('no applicable key');
    expect(fetches).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(verifyJwt(rotated, (kid) => keys.key(kid), rules)).resolves.toBeDefined();
    expect(fetches).toBe(2);
    await expect(keys.key('unknown')).rejects.toThrow(JwtError);
    expect(fetches).toBe(2);
  });

  it('leaves out keys of another type or use', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    serving(
      { ...first.jwk, use: 'enc' },
      { ...p384, kid: 'p384' },
      { ...second.jwk, alg: 'RS256' },
      { kty: 'EC', kid: 'broken', crv: 'P-256' },
    );
    const keys = new RemoteKeySet(url(), { algorithm: 'ES256', timeoutMs: 1_000, cooldownMs: 0 });
    for (const kid of ['first', 'p384', 'second', 'broken']) await expect(keys.key(kid)).rejects.toThrow(JwtError);
  });

  it('is unavailable, not a verdict on the token, when the set cannot be fetched in time or read', async () => {
    const keys = () => new RemoteKeySet(url(), { algorithm: 'ES256', timeoutMs: 200 });
    answer = () => undefined; // never answers
    await expect(keys().key('first')).rejects.toThrow(KeySetUnavailableError);
    answer = (respond) => respond(500, { error: 'down' });
    await expect(keys().key('first')).rejects.toThrow(KeySetUnavailableError);
    answer = (respond) => respond(200, { nothing: true });
    await expect(keys().key('first')).rejects.toThrow(KeySetUnavailableError);
  });
});
