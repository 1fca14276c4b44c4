import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialStore } from '../../src/identity/credentials';
import { PostgresCredentialStore } from '../../src/identity/credentials/postgres-credentials';
import { SqliteCredentialStore } from '../../src/identity/credentials/sqlite-credentials';
import { createTestSchema, describeWithPostgres, postgres } from '../support/postgres';

/**
 * What every credentials store must answer alike, run on both: the SQLite file, and the schema in PostgreSQL that
 * several ledger processes share. `open` gives a second store on the same place, as a second process would have.
 */
function credentialStoreContract(name: string, setUp: () => Promise<{ open: () => Promise<CredentialStore>; tearDown: () => Promise<void> }>): void {
  describe(`credentials store: ${name}`, () => {
    let open: () => Promise<CredentialStore>;
    let tearDown: () => Promise<void>;
    let store: CredentialStore;
    const NOW = '2026-11-29T10:00:00.000Z';

    beforeAll(async () => {
      ({ open, tearDown } = await setUp());
      store = await open();
    });
    afterAll(async () => {
      await store.close();
      await tearDown();
    });

    it('answers a password hash only for its own user', async () => {
      await store.putPassword('cred-1', 'can-bo-an', 'scrypt$32768$8$1$salt$hash', NOW);
      expect(await store.passwordHash('cred-1', 'can-bo-an')).toBe('scrypt$32768$8$1$salt$hash');
      expect(await store.passwordHash('cred-1', 'ke-toan-binh')).toBeUndefined();
      expect(await store.passwordHash('cred-unknown', 'can-bo-an')).toBeUndefined();
      // (Not toThrow: better-sqlite3's error class belongs to the realm of the first test file that loaded it.)
      await expect(store.putPassword('cred-1', 'can-bo-an', 'another', NOW)).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE constraint|duplicate key/));
    });

    it('keeps an API token as its 32-byte hash, with its expiry', async () => {
      const hash = createHash('sha256').update('secret').digest();
      await store.putApiToken('tok-1', 'nhap-dem', hash, '2027-01-01T00:00:00.000Z', NOW);
      await store.putApiToken('tok-2', 'nhap-dem', hash, null, NOW);
      const stored = await store.apiToken('tok-1');
      expect(stored).toEqual({ userId: 'nhap-dem', hash, expiresAt: '2027-01-01T00:00:00.000Z' });
      expect(Buffer.isBuffer(stored?.hash)).toBe(true);
      expect((await store.apiToken('tok-2'))?.expiresAt).toBeNull();
      expect(await store.apiToken('tok-unknown')).toBeUndefined();
    });

    it('answers a session until it ends or expires, and keeps an external principal', async () => {
      await store.startSession('s-1', 'can-bo-an', NOW, '2026-11-29T11:00:00.000Z');
      const external = { id: 'oidc:abc', name: 'Nguyễn Văn A', grants: [{ role: 'viewer', scope: '184' }], via: 'oidc' };
      await store.startSession('s-2', 'oidc:abc', NOW, '2026-11-29T11:00:00.000Z', external);
      expect(await store.session('s-1', NOW)).toEqual({ userId: 'can-bo-an', principal: undefined });
      expect(await store.session('s-2', NOW)).toEqual({ userId: 'oidc:abc', principal: external });
      expect(await store.session('s-1', '2026-11-29T11:00:00.000Z')).toBeUndefined();
      const elsewhere = await open();
      try {
        await elsewhere.endSession('s-1', NOW);
        expect(await store.session('s-1', NOW)).toBeUndefined();
        expect(await store.session('s-2', NOW)).toBeDefined();
      } finally {
        await elsewhere.close();
      }
    });

    it('locks a user id at the max-th failure in a row, and a success starts the count again', async () => {
      const until = '2026-11-29T10:15:00.000Z';
      for (let i = 1; i < 3; i++) expect(await store.failedSignIn('can-bo-an', 3, until)).toBeNull();
      await store.succeededSignIn('can-bo-an');
      for (let i = 1; i < 3; i++) expect(await store.failedSignIn('can-bo-an', 3, until)).toBeNull();
      expect(await store.lockedUntil('can-bo-an', NOW)).toBeNull();
      expect(await store.failedSignIn('can-bo-an', 3, until)).toBe(until);
      expect(await store.lockedUntil('can-bo-an', NOW)).toBe(until);
      expect(await store.lockedUntil('can-bo-an', until)).toBeNull();
      // The lock started the count again: the next failures count from one.
      expect(await store.failedSignIn('can-bo-an', 3, until)).toBeNull();
    });

    it('counts failures made at once through two stores, each exactly once', async () => {
      const other = await open();
      try {
        const until = '2026-11-29T10:15:00.000Z';
        const locks = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).failedSignIn('ke-toan-binh', 10, until)));
        expect(locks.filter((l) => l !== null)).toEqual([until]);
      } finally {
        await other.close();
      }
    });
  });
}

credentialStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
  return { open: async () => SqliteCredentialStore.open(join(dir, 'credentials.db')), tearDown: async () => rmSync(dir, { recursive: true, force: true }) };
});

describeWithPostgres('PostgreSQL', () => {
  credentialStoreContract('PostgreSQL schema', async () => {
    const { schema, drop } = await createTestSchema(postgres.url as string, 'ledger_credentials_test');
    return { open: () => PostgresCredentialStore.open(postgres.url as string, schema), tearDown: drop };
  });
});
