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
  private readonly replies: ((value: unknown) => void)[] = [];

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
    if (args[0] !== 'PING') return Promise.resolve('OK');
    return new Promise((resolve) => this.replies.push(resolve));
  }
  /** The server answers the oldest PING still waiting. */
  pong(): void {
    this.replies.shift()?.('PONG');
  }
  get pings(): number {
    return this.sent.filter((args) => args[0] === 'PING').length;
  }
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
    expect(client.sent).toEqual([
      ['CLIENT', 'TRACKING', 'OFF'],
      ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'tokens'],
    ]);
    expect(feed.generation).toBeDefined();
  });

  afterEach(() => feed.onApplicationShutdown());

  it('sends its PING only after every caller of the turn has asked, and reports an invalidation that arrives before the PONG', async () => {
    const before = feed.generation;
    const first = feed.barrier();
    const second = feed.barrier();
    // Not sent while callers of this turn may still join.
    expect(client.pings).toBe(0);
    await nextTurn();
    expect(client.pings).toBe(1);
    // A write finished on the server before the PING was sent: its invalidation precedes the PONG.
    client.emit('invalidate', 'tokens');
    client.pong();
    const [seenByFirst, seenBySecond] = await Promise.all([first, second]);
    expect(seenByFirst).toBe(feed.generation);
    expect(seenBySecond).toBe(seenByFirst);
    expect(seenByFirst).not.toBe(before);
  });

  it('gives a caller of a later turn a PING of its own, even while an earlier one is unanswered', async () => {
    const early = feed.barrier();
    await nextTurn();
    const late = feed.barrier();
    await nextTurn();
    expect(client.pings).toBe(2);
    client.pong();
    await expect(early).resolves.toBe(feed.generation);
    client.emit('invalidate', 'tokens');
    client.pong();
    await expect(late).resolves.toBe(feed.generation);
    await expect(early).resolves.not.toBe(feed.generation);
  });

  it('vouches for nothing once the connection is lost, until tracking is set up again', async () => {
    const pending = feed.barrier();
    await nextTurn();
    client.emit('end');
    client.pong();
    await expect(pending).resolves.toBeUndefined();
    expect(feed.generation).toBeUndefined();
    await expect(feed.barrier()).resolves.toBeUndefined();
    client.emit('ready');
    await nextTurn();
    expect(feed.generation).toBeDefined();
  });
});
