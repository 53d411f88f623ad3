import { SignJWT } from 'jose';
import { signClaims, verifyClaims, type Claims } from '../src/claims.ts';

const secret = 'a-test-secret-that-is-long-enough-000';
const claims: Claims = { kind: 'staff', sub: 'usr_abcdef123', scopes: ['core:read'], teams: [], requestId: 'r1' };

describe('gateway claims', () => {
  it('verifies what the gateway signed', async () => {
    await expect(verifyClaims(await signClaims(claims, secret), secret)).resolves.toMatchObject(claims);
  });

  it('refuses a header signed with another key, and an expired one', async () => {
    await expect(verifyClaims(await signClaims(claims, `${secret}-other`), secret)).rejects.toThrow();
    const expired = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('wrk-gateway')
      .setAudience('wrk-subgraphs')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret));
    await expect(verifyClaims(expired, secret)).rejects.toThrow();
  });
});
