import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 over a list of values, with a key derived (HKDF) from the configured encryption key
 * for one purpose: a MAC made for one purpose never verifies for another. Values are MACed as a
 * JSON array in the caller's fixed order: unambiguous, whatever they contain.
 */
export class KeyedMac {
  private readonly key: Buffer;

  /** `purpose` names what is MACed (the HKDF info); `version` prefixes every MAC. */
  constructor(
    encryptionKeyHex: string,
    purpose: string,
    private readonly version: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeyHex, 'hex'), Buffer.alloc(0), purpose, 32));
  }

  sign(fields: readonly unknown[]): string {
    return `${this.version}.${createHmac('sha256', this.key).update(JSON.stringify(fields)).digest('base64url')}`;
  }

  /** Constant-time comparison; anything that is not this version's MAC of `fields` fails. */
  verify(fields: readonly unknown[], mac: unknown): boolean {
    if (typeof mac !== 'string') return false;
    const expected = Buffer.from(this.sign(fields));
    const actual = Buffer.from(mac);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
