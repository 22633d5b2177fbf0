import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const VERSION = 'm1';

/** What a credential record's MAC covers: everything that decides who it is and what it may do. */
export interface RecordIdentity {
  kind: 'pat' | 'session';
  id: string;
  hash: string;
  userId: string;
  username: string;
  role: string;
  host: string;
  port: number;
  tls: boolean;
  createdAt: number;
  expiresAt: number | null;
  /** A token's own restrictions as stored (absent or null for a session or an unrestricted older token). */
  access?: string | null;
  graphs?: string[] | null;
  allowedIps?: string[] | null;
}

/**
 * HMAC-SHA256 over a stored credential's identity fields, with a key derived (HKDF) from the
 * configured encryption key. Anyone who can write the store graph but does not hold the key cannot
 * change a record's owner, server, role or expiry without authentication failing closed.
 */
export class RecordMac {
  private readonly key: Buffer;

  constructor(encryptionKeyHex: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeyHex, 'hex'), Buffer.alloc(0), 'falkordb-pat record mac v1', 32));
  }

  sign(record: RecordIdentity): string {
    // A JSON array in a fixed order: unambiguous, whatever the values contain.
    const fields: unknown[] = [record.kind, record.id, record.hash, record.userId, record.username, record.role, record.host, record.port, record.tls, record.createdAt, record.expiresAt];
    // Restrictions are covered whenever a record has any: removing them breaks the MAC too.
    const restrictions = [record.access ?? null, record.graphs ?? null, record.allowedIps ?? null];
    if (restrictions.some((value) => value !== null)) fields.push(...restrictions);
    return `${VERSION}.${createHmac('sha256', this.key).update(JSON.stringify(fields)).digest('base64url')}`;
  }

  /** Constant-time comparison with the stored MAC; anything that is not this version's MAC fails. */
  verify(record: RecordIdentity, stored: unknown): boolean {
    if (typeof stored !== 'string') return false;
    const expected = Buffer.from(this.sign(record));
    const actual = Buffer.from(stored);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
