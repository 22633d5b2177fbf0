import { Inject, Injectable } from '@nestjs/common';
import { CredentialKind } from '../domain/credential-kind';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { NewSession, NewToken } from './credential-inputs';
import { PasswordCipher } from './crypto/password-cipher';
import { RecordIdentity, RecordMac } from './crypto/record-mac';
import { hashToken } from './crypto/token-hash';
import { CredentialAuthRecord, StoredRestrictions } from './store/credential.record';
import { NewSessionRecord } from './store/session.record';
import { NewTokenRecord } from './store/token.record';

/** A session carries no restrictions of its own. */
const NO_RESTRICTIONS: StoredRestrictions = { access: null, graphs: null, allowedIps: null };

/** What a record's MAC is computed over. */
type SignedFields = Pick<CredentialAuthRecord, 'id' | 'hash' | 'userId' | 'username' | 'role' | 'host' | 'port' | 'tls' | 'createdAt' | 'expiresAt' | 'restrictions'>;

function identityOf(kind: CredentialKind, record: SignedFields): RecordIdentity {
  const { id, hash, userId, username, role, host, port, tls, createdAt, expiresAt, restrictions } = record;
  return { kind, id, hash, userId, username, role, host, port, tls, createdAt, expiresAt, ...restrictions };
}

/**
 * What the encryption key does to a credential on its way into the store and back: the JWT is
 * stored as its SHA-256, the password sealed (AES-256-GCM, bound to the credential id), and what
 * decides who the credential is and what it may do covered by a MAC.
 */
@Injectable()
export class CredentialSeal {
  private readonly cipher: PasswordCipher;
  private readonly mac: RecordMac;

  constructor(@Inject(CREDENTIALS_MODULE_OPTIONS) options: CredentialsModuleOptions) {
    this.cipher = new PasswordCipher(options.encryptionKey);
    this.mac = new RecordMac(options.encryptionKey);
  }

  /** A new token as stored: the hash, not the token; the sealed password; the MAC over what it is. */
  sealToken(token: NewToken): NewTokenRecord {
    const { token: jwt, password, permissions, allowedIps, ...fields } = token;
    const hash = hashToken(jwt);
    const restrictions = { access: permissions.access, graphs: permissions.graphs, allowedIps };
    const mac = this.mac.sign(identityOf('pat', { ...fields, hash, restrictions }));
    return { ...fields, ...permissions, allowedIps, tokenHash: hash, passwordCiphertext: this.cipher.encrypt(password, token.id), mac };
  }

  /** A new session as stored, sealed as a token is. */
  sealSession(session: NewSession): NewSessionRecord {
    const { token: jwt, password, ...record } = session;
    const hash = hashToken(jwt);
    const mac = this.mac.sign(identityOf('session', { ...record, hash, restrictions: NO_RESTRICTIONS }));
    return { ...record, sessionHash: hash, passwordCiphertext: this.cipher.encrypt(password, session.id), mac };
  }

  /** Whether the stored record's MAC proves nobody without the key rewrote it. */
  isIntact(kind: CredentialKind, stored: CredentialAuthRecord): boolean {
    return this.mac.verify(identityOf(kind, stored), stored.mac);
  }

  /** The password sealed into credential `credentialId` (DecryptionFailedError when it cannot be opened). */
  openPassword(credentialId: string, sealed: string): string {
    return this.cipher.decrypt(sealed, credentialId);
  }
}
