import { AuditEventType } from '../../audit/audit-event';
import { isoOrNull } from '../../common/iso-time';
import { RevocationReason } from '../../domain/token-permissions';
import { QueryParams, Row } from '../../falkordb/query-types';
import { PageContinuation } from '../../paging/keyset';
import { createAuditEventFromMap, tokenSubject } from './audit-event-writes';
import { credentialFields, TOKEN_NODES, toCredentialRecord } from './credential-nodes';
import { expiresOrderOf, lastUsedOrderOf } from './token-order-keys';
import { NewTokenRecord, TokenRecord } from './token.record';

/* How tokens look in the store: the Cypher that creates them, their parameters, the fields read back. */

/** `counts_until` of a token that never expires: the largest time a JS Date can hold. */
export const COUNTED_FOREVER = 8_640_000_000_000_000;

/** The audit event of each way a token is revoked. */
export const REVOCATION_EVENT: Readonly<Record<RevocationReason, AuditEventType>> = {
  owner: 'token.revoked',
  admin: 'token.revoked',
  bulk: 'token.bulk_revoked',
  leaked: 'token.leaked_revoked',
  reuse_detected: 'token.reuse_detected',
  rotated: 'token.rotated',
  unused: 'token.revoked',
};

/** What a `token.created` event says about the new token (nothing secret). */
export function createdDetail(token: NewTokenRecord): Record<string, unknown> {
  return { name: token.name, expires_at: isoOrNull(token.expiresAt), access: token.access, graphs: token.graphs, allowed_ips: token.allowedIps };
}

/** A page of tokens: the records, and where the next page starts (null on the last). */
export interface TokenPage {
  records: TokenRecord[];
  next: PageContinuation | null;
}

/** The properties of a new Token node, from newTokenParams(): parameters (`$`) or the keys of a map (`tok.`). */
export const newTokenProperties = (p: string): string => `token_id: ${p}token_id, token_hash: ${p}token_hash, user_id: ${p}user_id, username: ${p}username,
  name: ${p}name, role: ${p}role, host: ${p}host, port: ${p}port, tls: ${p}tls, created_at: ${p}created_at, expires_at: ${p}expires_at,
  revoked: false, password_enc: ${p}password_enc, counts_until: ${p}counts_until, mac: ${p}mac,
  access: ${p}access, graphs: ${p}graphs, allowed_ips: ${p}allowed_ips, expires_order: ${p}expires_order, last_used_order: ${p}last_used_order,
  notice_due: ${p}notice_due, idle_since: ${p}created_at`;
export const NEW_TOKEN_PROPERTIES = newTokenProperties('$');

/**
 * Stores a batch of new tokens in one write: `$mints` holds one entry per user (its cap and its
 * tokens, oldest first). Each user's counter is read, the tokens that fit under the cap are
 * created, and the counter raised by as many, all in this write (writes to a graph run one at a
 * time). Returns the ids of the tokens created.
 */
export const INSERT_TOKENS_WITHIN_CAPS = `UNWIND $mints AS mint
  MERGE (u:User {user_id: mint.user_id})
  ON CREATE SET u.username = mint.username, u.host = mint.host, u.port = mint.port, u.created_at = mint.created_at, u.active_tokens = 0
  WITH u, mint, toInteger(mint.max_active - coalesce(u.active_tokens, 0)) AS room
  WITH u, CASE WHEN room <= 0 THEN [] WHEN room >= size(mint.tokens) THEN mint.tokens ELSE mint.tokens[0..room] END AS accepted
  SET u.active_tokens = coalesce(u.active_tokens, 0) + size(accepted)
  WITH u, accepted
  UNWIND accepted AS tok
  CREATE (t:Token {${newTokenProperties('tok.')}})-[:BELONGS_TO]->(u)
  ${createAuditEventFromMap('tok.audit', tokenSubject('t'))}
  RETURN t.token_id AS token_id`;

export function newTokenParams(token: NewTokenRecord): QueryParams {
  return {
    token_id: token.id,
    token_hash: token.tokenHash,
    user_id: token.userId,
    username: token.username,
    name: token.name,
    role: token.role,
    host: token.host,
    port: token.port,
    tls: token.tls,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    password_enc: token.passwordCiphertext,
    counts_until: token.expiresAt ?? COUNTED_FOREVER,
    mac: token.mac,
    access: token.access,
    graphs: token.graphs,
    allowed_ips: token.allowedIps,
    expires_order: expiresOrderOf(token.expiresAt, token.createdAt),
    last_used_order: lastUsedOrderOf(null, token.createdAt),
    notice_due: token.noticeDue ?? null,
  };
}

export const TOKEN_FIELDS = credentialFields(TOKEN_NODES);

export function toRecord(row: Row): TokenRecord {
  const record = toCredentialRecord(row, TOKEN_NODES);
  return { ...record, name: record.name ?? '' };
}
