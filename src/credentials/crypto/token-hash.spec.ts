import { hashesEqual, hashToken } from './token-hash';

describe('hashToken', () => {
  it('is the SHA-256 hex digest, and deterministic', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('some.jwt.value')).toBe(hashToken('some.jwt.value'));
  });

  it('differs for different tokens', () => {
    expect(hashToken('token-a')).not.toBe(hashToken('token-b'));
  });
});

describe('hashesEqual', () => {
  const digest = hashToken('token-a');

  it('is true for the same digest', () => {
    expect(hashesEqual(digest, hashToken('token-a'))).toBe(true);
  });

  it('is false for a different digest of the same length', () => {
    expect(hashesEqual(digest, hashToken('token-b'))).toBe(false);
  });

  it('is false (and does not throw) for digests of different lengths', () => {
    expect(hashesEqual(digest, digest.slice(0, 32))).toBe(false);
    expect(hashesEqual(digest.slice(0, 32), digest)).toBe(false);
  });

  it('is false when either side is empty, even both', () => {
    expect(hashesEqual('', digest)).toBe(false);
    expect(hashesEqual(digest, '')).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });

  it('is false for anything that is not a SHA-256 hex digest, even if a prefix matches', () => {
    expect(hashesEqual(digest, `${digest.slice(0, 62)}zz`)).toBe(false);
    expect(hashesEqual(`${digest}00`, `${digest}00`)).toBe(false);
    expect(hashesEqual(digest.toUpperCase(), digest.toUpperCase())).toBe(false);
  });
});
