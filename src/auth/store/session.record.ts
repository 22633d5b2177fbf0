import { Role } from '../role';

/** A browser session as stored: the session JWT's hash and who it belongs to. */
export interface SessionRecord {
  sessionId: string;
  userId: string;
  username: string;
  role: Role;
  host: string;
  port: number;
  tls: boolean;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
  sessionHash: string;
}

export interface NewSessionRecord extends Omit<SessionRecord, 'revoked'> {
  passwordCiphertext: string;
}
