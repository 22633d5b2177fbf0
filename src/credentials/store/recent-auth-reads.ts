import { StoreChangeFeed } from '../../graph/store-change-feed';
import { CredentialKind } from '../credential-kind';
import { CredentialAuthRecord } from './credential.record';

/** Records remembered at most (oldest dropped first); each is a few hundred bytes. */
export const MAX_REMEMBERED_AUTH_READS = 20_000;

interface Remembered {
  generation: number;
  record: Readonly<CredentialAuthRecord>;
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

  /** The record of credential `id`, remembered or read with `read` (a copy: callers may change it). */
  async find(kind: CredentialKind, id: string, read: () => Promise<CredentialAuthRecord | undefined>): Promise<CredentialAuthRecord | undefined> {
    const key = `${kind}:${id}`;
    const remembered = this.entries.get(key);
    if (remembered && remembered.generation === this.feed?.generation) {
      const confirmed = await this.feed.barrier();
      if (confirmed === remembered.generation) return { ...remembered.record };
    }
    // Taken before the read: a write the read missed changes the generation, so this entry is void.
    const generation = this.feed?.generation;
    const record = await read();
    if (record && generation !== undefined && generation === this.feed?.generation) this.remember(key, generation, record);
    return record;
  }

  private remember(key: string, generation: number, record: CredentialAuthRecord): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { generation, record: frozen({ ...record }) });
  }
}
