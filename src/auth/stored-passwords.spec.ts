import { AuthHarness } from '../../test/support/auth-harness';
import { InvalidTokenError } from '../common/domain-errors';
import { newTokenId } from '../tokens/token-id';
import { PasswordCipher } from './crypto/password-cipher';
import { Principal } from './principal';
import { TokenRepository } from './store/token.repository';
import { StoredPasswords } from './stored-passwords';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;

describe('StoredPasswords (real FalkorDB)', () => {
  let harness: AuthHarness;
  let passwords: StoredPasswords;

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_stored_passwords', USER, '7a'.repeat(32));
    passwords = harness.get(StoredPasswords);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const credential = (kind: Principal['kind'], credentialId: string) => ({ kind, credentialId });

  it('decrypts the password stored with a PAT and with a session', async () => {
    const { tokenId } = await harness.storePat();
    const { sessionId } = await harness.storeSession();
    await expect(passwords.of(credential('pat', tokenId))).resolves.toBe(USER.password);
    await expect(passwords.of(credential('session', sessionId))).resolves.toBe(USER.password);
  });

  it('refuses a credential that does not exist, or asked for as the wrong kind', async () => {
    const { tokenId } = await harness.storePat();
    await expect(passwords.of(credential('pat', '1700000000000-00000000'))).rejects.toThrow(InvalidTokenError);
    await expect(passwords.of(credential('session', tokenId))).rejects.toThrow(InvalidTokenError);
  });

  it('answers InvalidTokenError, not a crash, when the password was sealed with another key or for another credential', async () => {
    const { tokenId: otherId } = await harness.storePat();
    const sealedFor = async (cipher: PasswordCipher, boundTo: (tokenId: string) => string) => {
      const tokenId = newTokenId(Date.now());
      await harness.get(TokenRepository).createWithinCap(
        {
          tokenId,
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
        },
        Number.MAX_SAFE_INTEGER,
      );
      return tokenId;
    };
    const otherKey = await sealedFor(new PasswordCipher('8b'.repeat(32)), (tokenId) => tokenId);
    const otherToken = await sealedFor(new PasswordCipher('7a'.repeat(32)), () => otherId);
    for (const tokenId of [otherKey, otherToken]) {
      await expect(passwords.of(credential('pat', tokenId))).rejects.toThrow(
        new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token'),
      );
    }
  });
});
