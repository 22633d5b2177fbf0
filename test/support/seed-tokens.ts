import { randomBytes } from 'node:crypto';
import { FalkorDB } from 'falkordb';
import { userIdOf } from '../../src/auth/user-id';
import { RecordMac } from '../../src/credentials/crypto/record-mac';
import { COUNTED_FOREVER } from '../../src/credentials/store/token-records';
import { NULL_ORDER_OFFSET } from '../../src/credentials/store/token-order-keys';
import { AUDIT_EVENT_LABEL } from '../../src/audit/audit-event';
import { FOLD_QUERY } from '../../src/falkordb/pending-changes-fold';
import { DEFAULT_EXPIRY_NOTICE_DAYS } from '../../src/auth/auth.options';
import { noticeStep } from '../../src/credentials/expiry-notices';
import { NEVER } from '../../src/falkordb/never';
import { BACKFILL_MARKER } from '../../src/credentials/store/token-lifecycle.repository';

const ROLES = ['Admin', 'Read-Write', 'Read-Only'] as const;
const DAY_MS = 24 * 3600_000;
/** Lifetimes of the seeded tokens that expire, past one year (created within the past year: every seeded token is active). */
const TTL_DAYS = [30, 60, 90, 365];

export interface SeedTokensOptions {
  /** How many tokens to create. */
  tokens: number;
  /** How many users they are spread over (round robin), at most `tokens`. Default 1000. */
  users?: number;
  /** Store graph. Default `token_management`. */
  graph?: string;
  /** The FalkorDB server the seeded users belong to (their login server): stored `host` (default `localhost`) and `port`. */
  host?: string;
  port: number;
  /**
   * Tokens per GRAPH.QUERY (one UNWIND; two queries in flight). Default 10,000: 1,000,000 tokens
   * took 21 s on 2 cores (45-63 s with other jobs on them); 20,000-50,000 gained little, 2,500 was 2x slower.
   */
  batchSize?: number;
  /** Usernames are `<prefix><n>` (n zero padded). Default `seed-user-`. */
  usernamePrefix?: string;
  /** Every n-th token never expires; the others expire 395-730 days after creation, all in the future. Default 4. */
  neverExpiresEvery?: number;
  /** "Now" for created_at / expires_at. Default Date.now(). */
  now?: number;
  /**
   * The service's ENCRYPTION_KEY (64 hex): each token then carries the record MAC the service
   * writes with every token (src/credentials/crypto/record-mac.ts). Without it the tokens have no
   * MAC, like records stored before MACs existed, and the next service start signs them all (the
   * upgrade path), which is not what an ordinary start does.
   */
  encryptionKey?: string;
  /** Also writes the `token.created` audit event each mint writes with its token. Default false. */
  auditEvents?: boolean;
  /**
   * After each batch, the write the service's store connection makes every 1,000 created entities
   * (src/falkordb/pending-changes-fold.ts), so a store seeded while a service runs ends up as one
   * the service grew itself. Default false.
   */
  foldPendingChanges?: boolean;
}

export interface SeedTokensResult {
  tokens: number;
  users: number;
  batches: number;
  elapsedMs: number;
  /** One seeded token id per batch (first row), for spot checks. */
  sampleTokenIds: string[];
  /** The seeded users' ids and usernames, in order. */
  seededUsers: { userId: string; username: string }[];
}

/**
 * One batch: every user in it once (`g`), with its tokens (`g.t`). The user is merged (a second
 * seed into the same graph adds to it), its `active_tokens` raised by the tokens it gets, and each
 * token is created with its BELONGS_TO edge and its listing order keys, exactly as the service stores one.
 */
const batchQuery = (auditEvents: boolean) => `
UNWIND $groups AS g
MERGE (u:User {user_id: g.user_id})
ON CREATE SET u.username = g.username, u.host = $host, u.port = $port, u.created_at = $user_created_at, u.active_tokens = 0
SET u.active_tokens = coalesce(u.active_tokens, 0) + size(g.t)
WITH u, g
UNWIND g.t AS r
CREATE (t:Token {token_id: r.i, token_hash: r.h, user_id: g.user_id, username: g.username, name: r.n, role: g.role,
  host: $host, port: $port, tls: false, created_at: r.c, expires_at: r.e, revoked: false, password_enc: r.p,
  counts_until: coalesce(r.e, ${COUNTED_FOREVER}), mac: r.m,
  expires_order: coalesce(r.e, ${NULL_ORDER_OFFSET} + r.c), last_used_order: r.c - ${NULL_ORDER_OFFSET},
  notice_due: r.nd, notice_days: r.nn, idle_since: r.c})-[:BELONGS_TO]->(u)
${auditEvents ? `CREATE (:${AUDIT_EVENT_LABEL} {event_id: randomUUID(), at: r.c, type: 'token.created', host: $host, port: $port,
  actor_username: g.username, actor_token_id: null, subject_username: g.username, subject_token_id: r.i,
  ip: '203.0.113.7', user_agent: 'seed', detail: '{}'})` : ''}`;

/** The lookups the batch query relies on; the service creates the same at startup ("already indexed" is fine). */
const INDEXES = ['CREATE INDEX FOR (u:User) ON (u.user_id)', 'CREATE INDEX FOR (t:Token) ON (t.token_id)'];

type Group = {
  user_id: string;
  username: string;
  role: string;
  t: { i: string; h: string; n: string; c: number; e: number | null; p: string; m: string | null; nd: number | null; nn: number | null }[];
};

/**
 * A seeded token's expiry-notice keys as a store grown while the service ran has them: the notices
 * of thresholds its expiry already came within were given (so the first scan finds none of them due).
 */
function noticeKeysOf(expiresAt: number | null, now: number): { nd: number | null; nn: number | null } {
  if (expiresAt === null) return { nd: null, nn: null };
  const step = noticeStep(expiresAt, now, DEFAULT_EXPIRY_NOTICE_DAYS, null);
  return step.thresholdDays === null ? { nd: step.nextDue, nn: null } : { nd: step.nextDue ?? NEVER, nn: step.thresholdDays };
}

/** Sealed-password look-alike: `v1.<iv>.<tag>.<ciphertext>` (base64url), as long as a real one. */
function fakeSealedPassword(random: Buffer, offset: number): string {
  const part = (start: number, length: number) => random.subarray(offset + start, offset + start + length).toString('base64url');
  return `v1.${part(0, 12)}.${part(12, 16)}.${part(28, 12)}`;
}
const RANDOM_BYTES_PER_TOKEN = 4 + 32 + 40;

async function ensureIndexes(client: FalkorDB, graph: string): Promise<void> {
  for (const statement of INDEXES) {
    try {
      await client.selectGraph(graph).query(statement);
    } catch (error) {
      if (!/already indexed/i.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
  // Seeded tokens have their lifecycle keys, as the service writes them: no backfill is due.
  await client.selectGraph(graph).query('MERGE (m:StoreMeta {key: $key}) SET m.through = $now', { params: { key: BACKFILL_MARKER, now: Date.now() } });
}

/**
 * Writes `tokens` active PAT records straight into a store graph in UNWIND batches, in the schema
 * the service stores (`(:Token)-[:BELONGS_TO]->(:User)`, User.active_tokens, Token.counts_until),
 * so the service sees them as real records (with `encryptionKey`, signed with their record MAC as
 * well). Their hashes are random, so they cannot be presented; their sealed passwords are never
 * decrypted. Token ids are `<epoch ms>-<8 hex>` with a distinct
 * millisecond each (created_at spread over the past year), so they are unique.
 */
export async function seedTokens(client: FalkorDB, options: SeedTokensOptions): Promise<SeedTokensResult> {
  const started = Date.now();
  const total = options.tokens;
  const userCount = Math.max(1, Math.min(options.users ?? 1000, total));
  const graph = options.graph ?? 'token_management';
  const host = options.host ?? 'localhost';
  const port = options.port;
  const batchSize = options.batchSize ?? 10_000;
  const prefix = options.usernamePrefix ?? 'seed-user-';
  const neverEvery = options.neverExpiresEvery ?? 4;
  const now = options.now ?? Date.now();
  // Tokens are created over the past year, oldest first, one distinct millisecond each.
  const stepMs = Math.max(1, Math.floor((365 * DAY_MS) / Math.max(1, total)));
  const firstCreatedAt = now - total * stepMs;
  const digits = String(userCount - 1).length;
  const recordMac = options.encryptionKey ? new RecordMac(options.encryptionKey) : undefined;

  const seededUsers = Array.from({ length: userCount }, (_, n) => {
    const username = `${prefix}${String(n).padStart(digits, '0')}`;
    return { userId: userIdOf(username, host, port), username };
  });

  await ensureIndexes(client, graph);
  const seededAt = Date.now();
  const store = client.selectGraph(graph);
  const query = batchQuery(options.auditEvents ?? false);
  const sampleTokenIds: string[] = [];
  let batches = 0;
  let inFlight: Promise<unknown> | undefined;
  for (let from = 0; from < total; from += batchSize) {
    const to = Math.min(total, from + batchSize);
    const random = randomBytes((to - from) * RANDOM_BYTES_PER_TOKEN);
    const groups = new Map<number, Group>();
    for (let index = from; index < to; index++) {
      const userIndex = index % userCount;
      let group = groups.get(userIndex);
      if (!group) {
        const { userId, username } = seededUsers[userIndex];
        group = { user_id: userId, username, role: ROLES[userIndex % ROLES.length], t: [] };
        groups.set(userIndex, group);
      }
      const offset = (index - from) * RANDOM_BYTES_PER_TOKEN;
      const createdAt = firstCreatedAt + index * stepMs;
      const expiresAt = index % neverEvery === 0 ? null : createdAt + TTL_DAYS[index % TTL_DAYS.length] * DAY_MS + 365 * DAY_MS;
      const id = `${createdAt}-${random.toString('hex', offset, offset + 4)}`;
      const hash = random.toString('hex', offset + 4, offset + 36);
      const { user_id: userId, username, role } = group;
      const identity = { kind: 'pat' as const, id, hash, userId, username, role, host, port, tls: false, createdAt, expiresAt };
      const mac = recordMac ? recordMac.sign(identity) : null;
      group.t.push({ i: id, h: hash, n: `seeded token ${index}`, c: createdAt, e: expiresAt, p: fakeSealedPassword(random, offset + 36), m: mac, ...noticeKeysOf(expiresAt, seededAt) });
    }
    const rows = [...groups.values()];
    sampleTokenIds.push(rows[0].t[0].i);
    // Two batches in flight: the next one is built and sent while the server writes this one.
    const params = { params: { groups: rows, host, port, user_created_at: firstCreatedAt } };
    const sent = store.query(query, params).then((reply) => (options.foldPendingChanges ? store.query(FOLD_QUERY) : reply));
    sent.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    await inFlight;
    inFlight = sent;
    batches += 1;
  }
  await inFlight;
  return { tokens: total, users: userCount, batches, elapsedMs: Date.now() - started, sampleTokenIds, seededUsers };
}

/** A plain FalkorDB client (the default user) on 127.0.0.1:`port`, e.g. the embedded server's. */
export function connectPlainClient(port: number): Promise<FalkorDB> {
  return FalkorDB.connect({ socket: { host: '127.0.0.1', port } });
}
