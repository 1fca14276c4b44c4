import { randomBytes } from 'node:crypto';
import { SessionTokens } from './session-tokens';

describe('session tokens', () => {
  const tokens = new SessionTokens(randomBytes(32), 'gnbv-ledger');
  const claims = (expiresInMs: number) => ({ userId: 'can-bo-lan', sessionId: 's-1', expiresAt: new Date(Date.now() + expiresInMs).toISOString() });

  it('gives the same claims when a token is verified again (remembered after its signature was checked once)', async () => {
    const token = await tokens.sign(claims(60_000));
    const first = await tokens.verify(token);
    expect(await tokens.verify(token)).toEqual(first);
    expect(first).toMatchObject({ userId: 'can-bo-lan', sessionId: 's-1' });
  });

  it('refuses a remembered token once it has expired', async () => {
    // The expiry is a whole second (a JWT's exp), 2 to 3 s ahead: never so close that the first check meets it on a
    // loaded machine (1 s ahead, rounded down to its second, could leave a millisecond).
    const exp = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const token = await tokens.sign(claims(exp - Date.now()));
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'can-bo-lan' });
    await new Promise((resolve) => setTimeout(resolve, exp + 100 - Date.now()));
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses a token signed with another key, even beside a remembered one with the same claims', async () => {
    const ours = await tokens.sign(claims(60_000));
    await tokens.verify(ours);
    const forged = await new SessionTokens(randomBytes(32), 'gnbv-ledger').sign(claims(60_000));
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });
});
