import { StoreChangeFeed } from '../../falkordb/store-change-feed';
import { CredentialKind } from '../../domain/credential-kind';
import { CredentialAuthRecord } from './credential.record';

/** Records remembered at most (oldest dropped first); each is a few hundred bytes. */
export const MAX_REMEMBERED_AUTH_READS = 20_000;

interface Remembered {
  generation: number;
  record: Readonly<CredentialAuthRecord>;
  /** The presented token this very record was found to match (hash and MAC), once it was. */
  verifiedToken?: string;
}

/** A record as authentication found it, and what it can skip re-checking. */
export class AuthRead {
  constructor(
    /** A copy: callers may change it. */
    readonly record: CredentialAuthRecord,
    private readonly remembered: Remembered | undefined,
  ) {}

  /**
   * Whether `token` was already found to match this unchanged record (its hash and MAC): both are
   * functions of the record and the token alone, so they need not be computed again.
   */
  matchedBefore(token: string): boolean {
    return this.remembered?.verifiedToken === token;
  }

  /** Notes that `token` matched this record, for the next request with it. */
  matched(token: string): void {
    if (this.remembered) this.remembered.verifiedToken = token;
  }
}

function frozen(record: CredentialAuthRecord): Readonly<CredentialAuthRecord> {
  for (const value of [record.recentIps, record.allowedIps, record.permissions, record.permissions.graphs, record.restrictions, record.restrictions.graphs, record.restrictions.allowedIps]) {
    if (value) Object.freeze(value);
  }
  return Object.freeze(record);
}

/**
 * The authentication reads of this instance, remembered only while the store provably has not
 * changed since they were read (StoreChangeFeed): any write to the store graph, by anyone, voids
 * all of them; so does any doubt about the feed. A remembered record is used only after a barrier
 * confirms that no write finished before the request arrived is still unreported. So a revoked,
 * expired-by-edit or rewritten credential is never served from here, on any instance, while an
 * unchanged store answers authentication without a FalkorDB query. Without a feed every call reads.
 */
export class RecentAuthReads {
  private entries = new Map<string, Remembered>();

  constructor(
    private readonly feed: StoreChangeFeed | undefined,
    private readonly maxEntries = MAX_REMEMBERED_AUTH_READS,
  ) {
    // A changed store voids everything at once (the whole graph is one key).
    feed?.onChange(() => {
      if (this.entries.size) this.entries = new Map();
    });
  }

  /** The record of credential `id`, remembered or read with `read`. */
  async find(kind: CredentialKind, id: string, read: () => Promise<CredentialAuthRecord | undefined>): Promise<AuthRead | undefined> {
    const key = `${kind}:${id}`;
    const remembered = this.entries.get(key);
    if (remembered && remembered.generation === this.feed?.generation) {
      const confirmed = await this.feed.barrier();
      if (confirmed === remembered.generation) return new AuthRead({ ...remembered.record }, remembered);
    }
    // Taken before the read: a write the read missed changes the generation, so this entry is void.
    const generation = this.feed?.generation;
    const record = await read();
    if (!record) return undefined;
    const entry = generation !== undefined && generation === this.feed?.generation ? this.remember(key, generation, record) : undefined;
    return new AuthRead(record, entry);
  }

  private remember(key: string, generation: number, record: CredentialAuthRecord): Remembered {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    const entry: Remembered = { generation, record: frozen({ ...record }) };
    this.entries.set(key, entry);
    return entry;
  }
}
