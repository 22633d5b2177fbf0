import { KeyedMac } from './keyed-mac';

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
  private readonly mac: KeyedMac;

  constructor(encryptionKeyHex: string) {
    this.mac = new KeyedMac(encryptionKeyHex, 'falkordb-pat record mac v1', 'm1');
  }

  sign(record: RecordIdentity): string {
    return this.mac.sign(fieldsOf(record));
  }

  /** Constant-time comparison with the stored MAC; anything that is not this version's MAC fails. */
  verify(record: RecordIdentity, stored: unknown): boolean {
    return this.mac.verify(fieldsOf(record), stored);
  }
}

function fieldsOf(record: RecordIdentity): unknown[] {
  const fields: unknown[] = [record.kind, record.id, record.hash, record.userId, record.username, record.role, record.host, record.port, record.tls, record.createdAt, record.expiresAt];
  // Restrictions are covered whenever a record has any: removing them breaks the MAC too.
  const restrictions = [record.access ?? null, record.graphs ?? null, record.allowedIps ?? null];
  if (restrictions.some((value) => value !== null)) fields.push(...restrictions);
  return fields;
}
