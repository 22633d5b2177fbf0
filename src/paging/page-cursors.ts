import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ValidationFailedError } from '../common/domain-errors';
import { PageContinuation } from './keyset';

const VERSION = 'c1';
/** Longer than any cursor this service writes (about 100 characters). */
export const MAX_CURSOR_LENGTH = 512;
const MAX_ID_LENGTH = 128;

const REFUSED = 'cursor is not valid for this listing (it was changed, or it belongs to another query or caller): list again without it';

function isPosition(value: unknown): value is [number, string | null, number] {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [key, id, width] = value as unknown[];
  return (
    Number.isSafeInteger(key) &&
    (id === null || (typeof id === 'string' && id.length <= MAX_ID_LENGTH)) &&
    Number.isSafeInteger(width) &&
    (width as number) >= 1
  );
}

/**
 * Opaque, tamper-evident page cursors: `c1.<payload>.<mac>` (base64url). The MAC is an HMAC-SHA256,
 * with a key derived (HKDF, a label of its own) from the encryption key, over the payload and the
 * listing it belongs to: the caller, its scope, the filters and the sort (`binding`). A cursor
 * that was forged or altered, or that comes from another caller or another query, is refused
 * (400). A cursor only says where a page starts: what the caller may see is decided anew on every
 * page, so even a valid cursor cannot widen it.
 */
export class PageCursors {
  private readonly key: Buffer;

  constructor(encryptionKeyHex: string) {
    if (!/^[0-9a-fA-F]{64}$/.test(encryptionKeyHex)) throw new Error('The page cursor key (ENCRYPTION_KEY) must be 64 hex characters (32 bytes)');
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeyHex, 'hex'), Buffer.alloc(0), 'falkordb-pat page cursor v1', 32));
  }

  seal(binding: string, state: PageContinuation): string {
    const payload = Buffer.from(JSON.stringify([state.after.key, state.after.id, state.width])).toString('base64url');
    return `${VERSION}.${payload}.${this.mac(binding, payload)}`;
  }

  /** The state sealed into `cursor` for this `binding`; a 400 problem naming `cursor` otherwise. */
  open(binding: string, cursor: string): PageContinuation {
    const parts = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
    if (parts.length !== 3 || parts[0] !== VERSION) throw ValidationFailedError.forField('cursor', REFUSED);
    const [, payload, mac] = parts;
    const expected = Buffer.from(this.mac(binding, payload));
    const actual = Buffer.from(mac);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw ValidationFailedError.forField('cursor', REFUSED);
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    // Only this service writes cursors that pass the MAC; checked anyway, as any input is.
    if (!isPosition(decoded)) throw ValidationFailedError.forField('cursor', REFUSED);
    const [key, id, width] = decoded;
    return { after: { key, id }, width };
  }

  private mac(binding: string, payload: string): string {
    // A JSON array: unambiguous whatever the binding and payload contain.
    return createHmac('sha256', this.key).update(JSON.stringify([VERSION, binding, payload])).digest('base64url');
  }
}
