import { EventEmitter } from 'node:events';
import { FalkorDbConnection } from './falkordb-connection';
import { StoreChangeFeed } from './store-change-feed';

/**
 * The barrier's ordering rules, with a scripted connection (the real one is exercised against
 * FalkorDB in recent-auth-reads.integration.spec.ts, where the race cannot be forced).
 */
class ScriptedClient extends EventEmitter {
  isReady = true;
  isOpen = true;
  readonly sent: string[][] = [];
  /** The store's epoch key as the server holds it (null: missing). */
  storeEpoch: string | null = null;
  /** Once set, reads of the epoch wait for answer(), as a barrier's would behind a busy connection. */
  holdReads = false;
  private readonly replies: (() => void)[] = [];

  duplicate(): this {
    return this;
  }
  connect(): Promise<this> {
    setImmediate(() => this.emit('ready'));
    return Promise.resolve(this);
  }
  destroy(): void {
    this.isOpen = false;
  }
  sendCommand(args: string[]): Promise<unknown> {
    this.sent.push(args);
    if (args[0] === 'SET') {
      this.storeEpoch ??= args[2];
      return Promise.resolve('OK');
    }
    if (args[0] !== 'GET') return Promise.resolve('OK');
    if (!this.holdReads) return Promise.resolve(this.storeEpoch);
    // Answered with what the server holds when it gets to it.
    return new Promise((resolve) => this.replies.push(() => resolve(this.storeEpoch)));
  }
  /** The server answers the oldest read still waiting. */
  answer(): void {
    this.replies.shift()?.();
  }
  get barrierReads(): number {
    return this.sent.filter((args) => args[0] === 'GET').length - this.setupReads;
  }
  setupReads = 0;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('StoreChangeFeed.barrier', () => {
  let client: ScriptedClient;
  let feed: StoreChangeFeed;

  beforeEach(async () => {
    client = new ScriptedClient();
    const connection = { tokenGraph: 'tokens', falkordb: { connection: Promise.resolve(client) }, onPrimaryChange: () => () => undefined } as unknown as FalkorDbConnection;
    feed = new StoreChangeFeed(connection);
    await feed.onApplicationBootstrap();
    await nextTurn();
    await nextTurn();
    expect(client.sent.slice(0, 2)).toEqual([
      ['CLIENT', 'TRACKING', 'OFF'],
      ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'tokens', 'PREFIX', 'falkordb-pat:tokens:epoch'],
    ]);
    // The first instance to start sets the store's epoch; every barrier reads it.
    expect(client.storeEpoch).toEqual(expect.any(String));
    expect(feed.generation).toBeDefined();
    client.setupReads = client.sent.filter((args) => args[0] === 'GET').length;
    client.holdReads = true;
  });

  afterEach(() => feed.onApplicationShutdown());

  it('sends its read only after every caller of the turn has asked, and reports an invalidation that arrives before the reply', async () => {
    const before = feed.generation;
    const first = feed.barrier();
    const second = feed.barrier();
    // Not sent while callers of this turn may still join.
    expect(client.barrierReads).toBe(0);
    await nextTurn();
    expect(client.barrierReads).toBe(1);
    // A write finished on the server before the read was sent: its invalidation precedes the reply.
    client.emit('invalidate', 'tokens');
    client.answer();
    const [seenByFirst, seenBySecond] = await Promise.all([first, second]);
    expect(seenByFirst).toBe(feed.generation);
    expect(seenBySecond).toBe(seenByFirst);
    expect(seenByFirst).not.toBe(before);
  });

  it('gives a caller of a later turn a read of its own, even while an earlier one is unanswered', async () => {
    const early = feed.barrier();
    await nextTurn();
    const late = feed.barrier();
    await nextTurn();
    expect(client.barrierReads).toBe(2);
    client.answer();
    await expect(early).resolves.toBe(feed.generation);
    client.emit('invalidate', 'tokens');
    client.answer();
    await expect(late).resolves.toBe(feed.generation);
    await expect(early).resolves.not.toBe(feed.generation);
  });

  it('vouches for nothing when the store was swapped for another (SWAPDB sends no invalidation), then vouches for the new one', async () => {
    const replaced = vi.fn();
    feed.onStoreReplaced(replaced);
    const before = feed.generation;
    client.storeEpoch = 'another database';
    const pending = feed.barrier();
    await nextTurn();
    client.answer();
    await expect(pending).resolves.toBeUndefined();
    expect(feed.generation).not.toBe(before);
    expect(replaced).toHaveBeenCalledTimes(1);
    const next = feed.barrier();
    await nextTurn();
    client.answer();
    await expect(next).resolves.toBe(feed.generation);
  });

  it('reads the epoch again after a flush, creates a new one and tells that the store was emptied', async () => {
    const replaced = vi.fn();
    feed.onStoreReplaced(replaced);
    client.storeEpoch = null;
    client.emit('invalidate', null);
    await nextTurn();
    client.answer();
    await nextTurn();
    await nextTurn();
    expect(replaced).toHaveBeenCalledTimes(1);
    expect(client.storeEpoch).toEqual(expect.any(String));
  });

  it('vouches for nothing once the connection is lost, until tracking is set up again', async () => {
    const pending = feed.barrier();
    await nextTurn();
    client.emit('end');
    client.answer();
    await expect(pending).resolves.toBeUndefined();
    expect(feed.generation).toBeUndefined();
    await expect(feed.barrier()).resolves.toBeUndefined();
    client.holdReads = false;
    client.emit('ready');
    await nextTurn();
    await nextTurn();
    expect(feed.generation).toBeDefined();
  });
});
