import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a token, hex: what the store keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Constant-time comparison of two SHA-256 hex digests; anything else is never equal. */
export function hashesEqual(expectedHex: string, actualHex: string): boolean {
  // Buffer.from(x, 'hex') silently truncates at the first non-hex character: refuse such input.
  if (!SHA256_HEX.test(expectedHex) || !SHA256_HEX.test(actualHex)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const actual = Buffer.from(actualHex, 'hex');
  return expected.length === actual.length && expected.length > 0 && timingSafeEqual(expected, actual);
}
