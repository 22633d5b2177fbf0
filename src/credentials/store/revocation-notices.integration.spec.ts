import type { MockInstance } from 'vitest';
import { AuditEventAggregator } from '../../audit/audit-event-aggregator';
import { AuthHarness } from '../../../test/support/auth-harness';
import { until } from '../../../test/support/until';
import { StoreChangeFeed } from '../../falkordb/store-change-feed';
import { CredentialReader } from '../credential-reader';
import { CredentialWriter } from '../credential-writer';
import { KeyedMac } from '../crypto/keyed-mac';
import { revocationChannelOf } from './revocation-notices';
import { SessionRepository } from './session.repository';
import { TokenRepository } from './token.repository';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const KEY = '6d'.repeat(32);
const GRAPH = 'unit_revocation_notices';
const CHANNEL = revocationChannelOf(GRAPH);

/**
 * Two service instances on one FalkorDB: what one revokes, the other refuses without reading the
 * store, and nothing but a notice from an instance holding the key makes it refuse anything.
 */
describe('Revocation notices between instances (real FalkorDB)', () => {
  let a: AuthHarness;
  let b: AuthHarness;
  let tokenReadsOnB: MockInstance;
  let sessionReadsOnB: MockInstance;
  let refusalsOnB: MockInstance;
  /** Every message B's feed receives on the channel, in order (B's own listener ran before each was pushed here). */
  const heardByB: string[] = [];

  const presented = (id: string, token: string, kind: 'pat' | 'session' = 'pat') => ({ kind, id, token, subject: a.userId });
  const readsOnB = (): number => tokenReadsOnB.mock.calls.length + sessionReadsOnB.mock.calls.length;
  const heard = (count: number) => until(() => heardByB.length >= count, 5_000, `${count} notice(s) heard by instance B`);
  const feedIsLive = (harness: AuthHarness) => () => harness.get(StoreChangeFeed).generation !== undefined;

  beforeAll(async () => {
    a = await AuthHarness.start(GRAPH, USER, KEY);
    b = await a.anotherInstance();
    b.get(StoreChangeFeed).onMessage(CHANNEL, (message) => heardByB.push(message));
    await until(feedIsLive(a), 10_000, 'store change tracking on A');
    await until(feedIsLive(b), 10_000, 'store change tracking on B');
    tokenReadsOnB = vi.spyOn(b.get(TokenRepository), 'findForAuthentication');
    sessionReadsOnB = vi.spyOn(b.get(SessionRepository), 'findForAuthentication');
    refusalsOnB = vi.spyOn(b.get(AuditEventAggregator), 'record');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await b?.close();
    await a?.close();
  });

  it('B refuses a token A revoked without reading the store, and records the refusal with its owner', async () => {
    const { tokenId, token } = await a.storePat();
    await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });

    const notices = heardByB.length;
    await a.get(CredentialWriter).revoke({ kind: 'pat', id: tokenId }, Date.now(), 'owner', USER.username);
    await heard(notices + 1);
    const reads = readsOnB();
    refusalsOnB.mockClear();
    await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    expect(readsOnB()).toBe(reads);
    expect(refusalsOnB).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'auth.failed',
        subject: { username: USER.username, tokenId },
        server: { host: 'localhost', port: a.server.port },
        detail: { credential: 'pat', reason: 'revoked' },
      }),
    );
  });

  it('does the same for a logged-out session and for every token of a bulk revocation', async () => {
    const session = await a.storeSession();
    const first = await a.storePat();
    const second = await a.storePat();
    const notices = heardByB.length;
    await a.get(CredentialWriter).revoke({ kind: 'session', id: session.sessionId }, Date.now(), 'owner', USER.username);
    await a.get(CredentialWriter).revokeTokensOf({ host: 'localhost', port: a.server.port }, USER.username, Date.now(), USER.username);
    await heard(notices + 2);

    const reads = readsOnB();
    const store = b.get(CredentialReader);
    await expect(store.verify(presented(session.sessionId, session.token, 'session'), Date.now())).resolves.toBeUndefined();
    await expect(store.verify(presented(first.tokenId, first.token), Date.now())).resolves.toBeUndefined();
    await expect(store.verify(presented(second.tokenId, second.token), Date.now())).resolves.toBeUndefined();
    expect(readsOnB()).toBe(reads);
  });

  it('hears notices again once its feed connection is back after being killed', async () => {
    const clients = String(await a.server.command(['CLIENT', 'LIST']));
    const feeds = clients.split('\n').filter((line) => /\bflags=\S*t/.test(line));
    expect(feeds).toHaveLength(2);
    const generations = [a, b].map((harness) => harness.get(StoreChangeFeed).generation);
    for (const line of feeds) await a.server.command(['CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(line)![1]]);
    for (const [index, harness] of [a, b].entries()) {
      const back = () => harness.get(StoreChangeFeed).generation !== undefined && harness.get(StoreChangeFeed).generation !== generations[index];
      await until(back, 10_000, 'store change tracking to come back');
    }

    const { tokenId, token } = await a.storePat();
    const notices = heardByB.length;
    await a.get(CredentialWriter).revoke({ kind: 'pat', id: tokenId }, Date.now(), 'owner', USER.username);
    await heard(notices + 1);
    const reads = readsOnB();
    await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    expect(readsOnB()).toBe(reads);
  });

  it('revokes all the same when the service user may not publish: the other instance reads the revocation', async () => {
    const service = { username: 'pat_service_no_channels', password: 'service-no-channels-pw' };
    await a.server.command(['ACL', 'SETUSER', service.username, 'on', `>${service.password}`, '~*', 'resetchannels', '+@all']);
    const limited = await a.anotherInstance({}, `redis://${service.username}:${service.password}@127.0.0.1:${a.server.port}`);
    try {
      const { tokenId, token } = await a.storePat();
      await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
      const notices = heardByB.length;
      await limited.get(CredentialWriter).revoke({ kind: 'pat', id: tokenId }, Date.now(), 'owner', USER.username);

      const reads = readsOnB();
      await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
      expect(readsOnB()).toBe(reads + 1);
      // Nothing came before a marker published after the revocation: no notice was sent at all.
      await a.server.command(['PUBLISH', CHANNEL, 'marker']);
      await heard(notices + 1);
      expect(heardByB.slice(notices)).toEqual(['marker']);
    } finally {
      await limited.close();
    }
  });

  it('ignores notices without this deployment\'s MAC: junk, a wrong MAC, or one made with another key', async () => {
    const { tokenId, token } = await a.storePat();
    const owner = { username: USER.username, host: 'localhost', port: a.server.port };
    const fields = { v: 1, kind: 'pat', ids: [tokenId], owner };
    const otherKey = new KeyedMac('7e'.repeat(32), 'falkordb-pat revocation notice v1', 'n1');
    const forged = [
      'not json',
      JSON.stringify({ ...fields, mac: 'n1.AAAA' }),
      JSON.stringify({ ...fields, mac: otherKey.sign([1, 'pat', [tokenId], owner.username, owner.host, owner.port]) }),
    ];
    const notices = heardByB.length;
    // Published by a FalkorDB user, as anyone whose ACL allows the channel could.
    for (const message of forged) await a.server.command(['PUBLISH', CHANNEL, message]);
    await heard(notices + forged.length);

    await expect(b.get(CredentialReader).verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
  });

  it('never tells of a token rotated away: its reuse on B still reaches the store and revokes its successor', async () => {
    const old = await a.storePat();
    const notices = heardByB.length;
    const successor = await a.rotatePat(old.tokenId);
    await expect(b.get(CredentialReader).verify(presented(successor.tokenId, successor.token), Date.now())).resolves.toMatchObject({ id: successor.tokenId });
    expect(heardByB.length).toBe(notices);

    // The stolen old token is used on B: B reads it, sees the rotation, revokes the chain (and tells A).
    await expect(b.get(CredentialReader).verify(presented(old.tokenId, old.token), Date.now())).resolves.toBeUndefined();
    await expect(b.get(CredentialReader).verify(presented(successor.tokenId, successor.token), Date.now())).resolves.toBeUndefined();
    await expect(a.get(CredentialReader).verify(presented(successor.tokenId, successor.token), Date.now())).resolves.toBeUndefined();
  });

  it('remembers a revocation it read from the store, but only one this service wrote (its MAC voided)', async () => {
    const byService = await a.storePat();
    const byHand = await a.storePat();
    // Revoked behind the instances' backs, so no notice: once as the service writes it, once only flagged.
    await a.server.command(['GRAPH.QUERY', GRAPH, `MATCH (t:Token {token_id: '${byService.tokenId}'}) SET t.revoked = true, t.mac = 'revoked'`]);
    await a.server.command(['GRAPH.QUERY', GRAPH, `MATCH (t:Token {token_id: '${byHand.tokenId}'}) SET t.revoked = true`]);
    const store = b.get(CredentialReader);
    for (const { tokenId, token } of [byService, byHand]) await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    // Any write voids the reads B remembers (RecentAuthReads): what B knows of revocations stays.
    await a.storePat();

    const reads = readsOnB();
    await expect(store.verify(presented(byService.tokenId, byService.token), Date.now())).resolves.toBeUndefined();
    expect(readsOnB()).toBe(reads);
    await expect(store.verify(presented(byHand.tokenId, byHand.token), Date.now())).resolves.toBeUndefined();
    expect(readsOnB()).toBe(reads + 1);
  });
});
