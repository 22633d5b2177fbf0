import { randomBytes } from 'node:crypto';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { ExpiringValue, SharedStateStorage } from './shared-state-storage';

/**
 * Adds one failure to a key's sorted set (scored by the instance's clock, so fake clocks in tests
 * hold too), keeps only the newest `limit` (older ones can no longer decide a block) and answers
 * the times of the failures still in the window. One command, so atomic for the key.
 * KEYS[1]: the set. ARGV: now, unique member, exclusive lower bound `(now - window`,
 * rank below which to trim `-(limit + 1)`, TTL in ms.
 */
const APPEND_FAILURE = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local entries = redis.call('ZRANGE', KEYS[1], ARGV[3], '+inf', 'BYSCORE', 'WITHSCORES')
local times = {}
for i = 2, #entries, 2 do times[#times + 1] = entries[i] end
return times
`;

/** A value and the ms it has left on the server's clock, in one round trip (nil when there is none). */
const READ_EXPIRING = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
`;

/**
 * The default SharedStateStorage: plain keys on the token store's FalkorDB, next to the token
 * graph (one round trip per operation; Lua keeps each atomic). Rejects when FalkorDB cannot take
 * a command (unreachable, or the service user may not run EVAL).
 */
export class FalkorDbSharedStateStorage implements SharedStateStorage {
  constructor(private readonly store: FalkorDbConnection) {}

  async appendFailure(key: string, now: number, windowMs: number, limit: number, ttlMs: number): Promise<number[]> {
    const member = randomBytes(8).toString('base64url');
    const reply = await this.store.command(['EVAL', APPEND_FAILURE, '1', key, String(now), member, `(${now - windowMs}`, String(-(limit + 1)), String(ttlMs)]);
    return Array.isArray(reply) ? reply.map(Number).filter(Number.isFinite) : [];
  }

  async readExpiring(key: string): Promise<ExpiringValue | undefined> {
    const reply = await this.store.command(['EVAL', READ_EXPIRING, '1', key]);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    const remainingMs = Number(reply[1]);
    // PTTL -1: a key without expiry was not written by this service.
    return remainingMs > 0 ? { value: reply[0], remainingMs } : undefined;
  }

  async writeExpiring(key: string, value: string, ttlMs: number): Promise<void> {
    await this.store.command(['SET', key, value, 'PX', String(ttlMs)]);
  }
}
