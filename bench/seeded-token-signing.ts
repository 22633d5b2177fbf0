import type { FalkorDB } from 'falkordb';
import { RecordMac } from '../src/credentials/crypto/record-mac';

/** MACs written per UNWIND (as the seeder's batches). */
const WRITE_BATCH = 10_000;

/**
 * Every stored credential carries a MAC over its identity fields (HMAC keyed from ENCRYPTION_KEY,
 * src/credentials/crypto/record-mac.ts), and the service refuses a record without a valid one.
 * test/support/seed-tokens.ts writes no MACs (it has no key); the bench holds the key it gives the
 * services, so it signs the seeded tokens the way the service would, before any service starts.
 *
 * Read per seeded user (an indexed User lookup and its BELONGS_TO edges), written by token_id
 * (indexed), so the cost follows the number of tokens, whatever the store size.
 */
export async function signUnsignedTokensOf(client: FalkorDB, graph: string, userIds: string[], encryptionKeyHex: string): Promise<number> {
  const mac = new RecordMac(encryptionKeyHex);
  const store = client.selectGraph(graph);
  let pending: { i: string; m: string }[] = [];
  let signed = 0;
  const flush = async () => {
    if (!pending.length) return;
    await store.query('UNWIND $rows AS r MATCH (t:Token {token_id: r.i}) WHERE t.mac IS NULL SET t.mac = r.m', { params: { rows: pending } });
    signed += pending.length;
    pending = [];
  };
  for (const userId of userIds) {
    const reply = await store.roQuery<Record<string, unknown>>(
      // `WITH u` makes FalkorDB start from the User index and follow its edges; written as one
      // pattern it scans every Token instead (2 s per user at 1M tokens).
      `MATCH (u:User {user_id: $user_id}) WITH u MATCH (t:Token)-[:BELONGS_TO]->(u) WHERE t.mac IS NULL AND t.revoked = false
       RETURN t.token_id AS id, t.token_hash AS hash, t.user_id AS user_id, t.username AS username, t.role AS role,
              t.host AS host, t.port AS port, t.tls AS tls, t.created_at AS created_at, t.expires_at AS expires_at`,
      { params: { user_id: userId } },
    );
    for (const row of reply.data ?? []) {
      // The same field conversions as the service's toCredentialRecord(), so the MAC verifies there.
      const identity = {
        kind: 'pat' as const,
        id: String(row.id),
        hash: String(row.hash),
        userId: String(row.user_id),
        username: String(row.username),
        role: String(row.role),
        host: String(row.host),
        port: Number(row.port),
        tls: row.tls === true,
        createdAt: Number(row.created_at),
        expiresAt: row.expires_at === null || row.expires_at === undefined ? null : Number(row.expires_at),
      };
      pending.push({ i: identity.id, m: mac.sign(identity) });
      if (pending.length >= WRITE_BATCH) await flush();
    }
  }
  await flush();
  return signed;
}
