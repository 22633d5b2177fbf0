import { AuditContext } from '../../audit/audit-event';
import { NewTokenRecord } from './token.record';

/** Most tokens stored by one write. */
export const MAX_TOKENS_PER_INSERT = 64;

/** One caller's token, waiting to be stored within its user's cap. */
export interface PendingInsert {
  token: NewTokenRecord;
  maxActive: number;
  context: AuditContext;
}

interface Waiting extends PendingInsert {
  settle(stored: boolean): void;
  fail(error: unknown): void;
}

/** Writes a batch in one query; resolves to the ids of the tokens it stored (the others hit their caps). */
export type InsertBatch = (batch: readonly PendingInsert[]) => Promise<ReadonlySet<string>>;

/**
 * Group commit for new tokens. FalkorDB runs writes to a graph one at a time, and most of a small
 * write's cost is the query itself (parsing, the write lock, the AOF append and its fsync), not
 * the node. So while one insert is being written, the tokens minted meanwhile wait and then go
 * together in the next write. A lone mint is written at once: nothing ever waits for a batch to
 * fill. A user appears once per batch (with one cap), so the cap is checked and raised in that
 * same write exactly as it would be one token at a time.
 */
export class TokenInsertBatches {
  private readonly queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly write: InsertBatch,
    private readonly maxPerWrite = MAX_TOKENS_PER_INSERT,
  ) {}

  /** True once `token` is stored; false when its user already holds `maxActive` active tokens. */
  insert(token: NewTokenRecord, maxActive: number, context: AuditContext): Promise<boolean> {
    return new Promise<boolean>((settle, fail) => {
      this.queue.push({ token, maxActive, context, settle, fail });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.nextBatch();
        try {
          const stored = await this.write(batch);
          for (const waiting of batch) waiting.settle(stored.has(waiting.token.id));
        } catch (error) {
          // One query: all of the batch was written, or none of it.
          for (const waiting of batch) waiting.fail(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** The oldest waiting tokens, up to the limit, skipping (for the next write) a user's token asking for a different cap. */
  private nextBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const capOfUser = new Map<string, number>();
    for (let index = 0; index < this.queue.length && batch.length < this.maxPerWrite; ) {
      const waiting = this.queue[index];
      const cap = capOfUser.get(waiting.token.userId);
      if (cap !== undefined && cap !== waiting.maxActive) {
        index += 1;
        continue;
      }
      capOfUser.set(waiting.token.userId, waiting.maxActive);
      batch.push(waiting);
      this.queue.splice(index, 1);
    }
    return batch;
  }
}
