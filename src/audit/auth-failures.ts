import { createHash } from 'node:crypto';
import { CredentialKind } from '../domain/credential-kind';
import { NOBODY } from './audit-event';
import { RepeatedEvent } from './repeated-event';

/** Why an authentication failed, as an `auth.failed` event says. */
export type AuthFailureReason =
  | 'invalid_credentials'
  | 'invalid_token'
  | 'expired'
  | 'revoked'
  | 'rotated'
  | 'unknown_credential'
  | 'mismatch'
  | 'integrity';

/** Where a request came from. */
export interface FailureOrigin {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/**
 * A short fingerprint of a credential that could not be tied to a stored one (bad signature,
 * garbage): only to count its repeats as one key. Derived under a label of its own, so it is never
 * a prefix of the SHA-256 the store keeps of a genuine token, and it is not shown in any event.
 */
export function credentialFingerprint(credential: string): string {
  return createHash('sha256').update('falkordb-pat failed credential\u0000').update(credential).digest('hex').slice(0, 16);
}

/** A login (or mint with credentials) FalkorDB refused: one event per username, server and minute. */
export function loginFailure(username: string, server: { host: string; port: number }, origin: FailureOrigin): RepeatedEvent {
  return {
    type: 'auth.failed',
    key: `login:${username}@${server.host}:${server.port}`,
    at: origin.at,
    server,
    actor: NOBODY,
    subject: { username, tokenId: null },
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { credential: 'password', reason: 'invalid_credentials' },
  };
}

/** A presented credential whose id is known (its signature verified, or a stored record found): one event per credential and minute. */
export function knownCredentialFailure(
  kind: CredentialKind,
  id: string,
  owner: { username: string; host: string; port: number } | null,
  reason: AuthFailureReason,
  origin: FailureOrigin,
): RepeatedEvent {
  return {
    type: 'auth.failed',
    key: `${kind}:${id}`,
    at: origin.at,
    server: owner && { host: owner.host, port: owner.port },
    actor: NOBODY,
    // A session id is not a token id: a session's failures are about its owner only.
    subject: { username: owner?.username ?? null, tokenId: kind === 'pat' ? id : null },
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { credential: kind, reason },
  };
}

/** A presented credential that could not be tied to any token (forged, garbled): one event per credential and minute. */
export function unknownCredentialFailure(kind: CredentialKind, credential: string, reason: AuthFailureReason, origin: FailureOrigin): RepeatedEvent {
  return {
    type: 'auth.failed',
    key: `${kind}-fingerprint:${credentialFingerprint(credential)}`,
    at: origin.at,
    server: null,
    actor: NOBODY,
    subject: NOBODY,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { credential: kind, reason },
  };
}

/** A token used from an address outside its allowed IPs: one event per token, address and minute. */
export function ipDenial(
  token: { username: string; tokenId: string; host: string; port: number; allowedIps: string[] },
  origin: FailureOrigin,
): RepeatedEvent {
  const party = { username: token.username, tokenId: token.tokenId };
  return {
    type: 'token.ip_denied',
    key: `${token.tokenId}@${origin.ip ?? 'unknown'}`,
    at: origin.at,
    server: { host: token.host, port: token.port },
    actor: party,
    subject: party,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { allowed_ips: token.allowedIps },
  };
}
