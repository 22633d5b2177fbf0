import { DecryptionFailedError, PasswordCipher } from './password-cipher';

const KEY = '0123456789abcdef'.repeat(4);
const OTHER_KEY = 'fedcba9876543210'.repeat(4);
const TOKEN_ID = '1761055513181-215c579b';

/** Flips one bit in the n-th dot-separated part of a sealed value (1 = iv, 2 = tag, 3 = ciphertext). */
function tamper(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part], 'base64url');
  bytes[0] ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('PasswordCipher', () => {
  const cipher = new PasswordCipher(KEY);

  it('round-trips a password bound to its token', () => {
    const sealed = cipher.encrypt('s3cret pässword', TOKEN_ID);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('s3cret');
    expect(cipher.decrypt(sealed, TOKEN_ID)).toBe('s3cret pässword');
  });

  it('round-trips an empty password (the default user has none)', () => {
    expect(cipher.decrypt(cipher.encrypt('', TOKEN_ID), TOKEN_ID)).toBe('');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('pw', TOKEN_ID)).not.toBe(cipher.encrypt('pw', TOKEN_ID));
  });

  it('fails with another key', () => {
    const sealed = cipher.encrypt('pw', TOKEN_ID);
    expect(() => new PasswordCipher(OTHER_KEY).decrypt(sealed, TOKEN_ID)).toThrow(DecryptionFailedError);
  });

  it('is bound to its id: a ciphertext copied onto another record does not decrypt', () => {
    const sealed = cipher.encrypt('pw', TOKEN_ID);
    expect(() => cipher.decrypt(sealed, '1761055513181-00000000')).toThrow(DecryptionFailedError);
  });

  it.each([
    ['iv', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ] as const)('rejects a tampered %s', (_name, part) => {
    const sealed = cipher.encrypt('pw', TOKEN_ID);
    expect(() => cipher.decrypt(tamper(sealed, part), TOKEN_ID)).toThrow(DecryptionFailedError);
  });

  it.each([
    ['not sealed at all', 'plain text'],
    ['an unknown version', 'v2.a.b.c'],
    ['a truncated tag', 'v1.AAAAAAAAAAAAAAAA.AAAA.AAAA'],
    ['too many parts', 'v1.a.b.c.d'],
  ])('rejects %s', (_name, sealed) => {
    expect(() => cipher.decrypt(sealed, TOKEN_ID)).toThrow(DecryptionFailedError);
  });

  it.each([
    ['too short', 'ab'.repeat(31)],
    ['too long', 'ab'.repeat(33)],
    ['not hex', 'zz'.repeat(32)],
    ['empty', ''],
  ])('rejects a key that is %s', (_name, key) => {
    expect(() => new PasswordCipher(key)).toThrow('ENCRYPTION_KEY must be 64 hex characters (32 bytes)');
  });
});
