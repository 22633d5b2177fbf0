import { AuthHarness } from '../../test/support/auth-harness';
import { InvalidTokenError } from './credential-errors';
import { newTokenId } from '../tokens/token-id';
import { CredentialKind } from '../domain/credential-kind';
import { CredentialReader } from './credential-reader';
import { CredentialWriter } from './credential-writer';
import { PasswordCipher } from './crypto/password-cipher';
import { hashToken } from './crypto/token-hash';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CredentialStoreSchema } from './store/credential-store.schema';
import { TokenRepository } from './store/token.repository';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const KEY = '7a'.repeat(32);

describe('CredentialReader and CredentialWriter (real FalkorDB)', () => {
  let harness: AuthHarness;
  let store: CredentialReader;
  let writer: CredentialWriter;

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_credential_store', USER, KEY);
    store = harness.get(CredentialReader);
    writer = harness.get(CredentialWriter);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const ref = (kind: CredentialKind, id: string) => ({ kind, id });

  describe('passwordOf', () => {
    it('decrypts the password stored with a PAT and with a session', async () => {
      const { tokenId } = await harness.storePat();
      const { sessionId } = await harness.storeSession();
      await expect(store.passwordOf(ref('pat', tokenId))).resolves.toBe(USER.password);
      await expect(store.passwordOf(ref('session', sessionId))).resolves.toBe(USER.password);
    });

    it('refuses a credential that does not exist, or asked for as the wrong kind', async () => {
      const { tokenId } = await harness.storePat();
      await expect(store.passwordOf(ref('pat', '1700000000000-00000000'))).rejects.toThrow(InvalidTokenError);
      await expect(store.passwordOf(ref('session', tokenId))).rejects.toThrow(InvalidTokenError);
    });

    it('answers InvalidTokenError, not a crash, when the password was sealed with another key or for another credential', async () => {
      const { tokenId: otherId } = await harness.storePat();
      const sealedFor = async (cipher: PasswordCipher, boundTo: (tokenId: string) => string) => {
        const tokenId = newTokenId(Date.now());
        await harness.get(TokenRepository).createWithinCap(
          {
            id: tokenId,
            tokenHash: 'a'.repeat(64),
            userId: harness.userId,
            username: USER.username,
            name: 'sealed elsewhere',
            role: USER.role,
            host: 'localhost',
            port: harness.server.port,
            tls: false,
            createdAt: Date.now(),
            expiresAt: null,
            passwordCiphertext: cipher.encrypt(USER.password, boundTo(tokenId)),
            mac: 'not checked when reading the password',
            access: 'read-write',
            graphs: null,
            allowedIps: null,
          },
          Number.MAX_SAFE_INTEGER,
        );
        return tokenId;
      };
      const otherKey = await sealedFor(new PasswordCipher('8b'.repeat(32)), (tokenId) => tokenId);
      const otherToken = await sealedFor(new PasswordCipher(KEY), () => otherId);
      for (const tokenId of [otherKey, otherToken]) {
        await expect(store.passwordOf(ref('pat', tokenId))).rejects.toThrow(
          new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token'),
        );
      }
    });
  });

  describe('storeToken and storeSession', () => {
    it('keep only the SHA-256 of the token and a sealed password, never either as given', async () => {
      const { tokenId, token } = await harness.storePat();
      const { sessionId, token: sessionToken } = await harness.storeSession();
      const rows = await harness.get(FalkorDbConnection).readQuery(
        'unit_credential_store',
        `MATCH (t:Token {token_id: $token}) MATCH (s:Session {session_id: $session})
         RETURN t.token_hash AS token_hash, t.password_enc AS token_password, s.session_hash AS session_hash, s.password_enc AS session_password`,
        { token: tokenId, session: sessionId },
      );
      expect(rows[0]).toMatchObject({ token_hash: hashToken(token), session_hash: hashToken(sessionToken) });
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(sessionToken);
      expect(stored).not.toContain(USER.password);
    });
  });

  describe('verify', () => {
    const presented = (kind: CredentialKind, id: string, token: string, subject = harness.userId) => ({ kind, id, token, subject });

    it('returns the record, without its hash, for a good PAT or session', async () => {
      const { tokenId, token } = await harness.storePat();
      const { sessionId, token: sessionToken } = await harness.storeSession();
      const pat = await store.verify(presented('pat', tokenId, token), Date.now());
      expect(pat).toMatchObject({ id: tokenId, username: USER.username, role: USER.role, revoked: false });
      expect(pat).not.toHaveProperty('hash');
      await expect(store.verify(presented('session', sessionId, sessionToken), Date.now())).resolves.toMatchObject({ id: sessionId });
    });

    it('refuses another token under the same id, another subject, a revoked, an expired, and a wrong-kind credential', async () => {
      const now = Date.now();
      const { tokenId, token } = await harness.storePat(now + 60_000);
      const { token: otherToken } = await harness.storePat();
      const { sessionId, token: sessionToken } = await harness.storeSession();
      await expect(store.verify(presented('pat', tokenId, otherToken), now)).resolves.toBeUndefined();
      await expect(store.verify(presented('pat', tokenId, token, 'user-000000000000'), now)).resolves.toBeUndefined();
      await expect(store.verify(presented('pat', tokenId, token), now + 60_000)).resolves.toBeUndefined();
      await expect(store.verify(presented('pat', sessionId, sessionToken), now)).resolves.toBeUndefined();
      await writer.revoke(ref('session', sessionId), now);
      await expect(store.verify(presented('session', sessionId, sessionToken), now)).resolves.toBeUndefined();
      await expect(store.validUntil(ref('session', sessionId))).rejects.toThrow(InvalidTokenError);
      await expect(store.validUntil(ref('pat', tokenId))).resolves.toBe(now + 60_000);
    });
  });

  describe('record integrity (a store writer without the key)', () => {
    const presented = (id: string, token: string) => ({ kind: 'pat' as const, id, token, subject: harness.userId });
    const rewrite = (id: string, assignment: string) =>
      harness.get(FalkorDbConnection).query('unit_credential_store', `MATCH (t:Token {token_id: $id}) SET ${assignment}`, { id });

    it.each([
      ['the owner', "t.username = 'pat_admin'"],
      ['the role', "t.role = 'Admin'"],
      ['the server', 't.port = 1'],
      ['the expiry', 't.expires_at = null'],
      ['the MAC itself', "t.mac = 'm1.forged'"],
    ])('refuses a token whose %s was rewritten', async (_what, assignment) => {
      const { tokenId, token } = await harness.storePat(Date.now() + 3_600_000);
      await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeDefined();
      await rewrite(tokenId, assignment);
      await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    });

    it('keeps a revoked token revoked when revoked is written back to false', async () => {
      const { tokenId, token } = await harness.storePat();
      await writer.revoke(ref('pat', tokenId), Date.now());
      await rewrite(tokenId, 't.revoked = false, t.revoked_at = null');
      await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    });

    it('refuses a record without a MAC, and nothing at startup signs it, whatever the store says of its version', async () => {
      const { tokenId, token } = await harness.storePat();
      await rewrite(tokenId, 't.mac = null');
      // What an older version kept to decide on a one-time signing pass: a store writer can set it.
      const falkordb = harness.get(FalkorDbConnection);
      await falkordb.query('unit_credential_store', "MERGE (m:StoreMeta {key: 'schema'}) SET m.version = 1");
      await harness.get(CredentialStoreSchema).onModuleInit();
      await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
      const rows = await falkordb.readQuery('unit_credential_store', 'MATCH (t:Token {token_id: $id}) RETURN t.mac AS mac', { id: tokenId });
      expect(rows[0]?.mac).toBeNull();
    });
  });
});
