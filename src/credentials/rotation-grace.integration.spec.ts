import { AuthHarness } from '../../test/support/auth-harness';
import { AuditEventAggregator } from '../audit/audit-event-aggregator';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../domain/principal';
import { CredentialReader } from './credential-reader';

const USER = { username: 'pat_grace', password: 'grace-secret-pw', role: 'Admin' } as const;
const GRACE_SECONDS = 30;

/** ROTATION_REUSE_GRACE_SECONDS: a retried rotation does not kill its successor; reuse after the window still does. */
describe('Rotation grace (real FalkorDB)', () => {
  let harness: AuthHarness;
  let reader: CredentialReader;

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_rotation_grace', USER, '5c'.repeat(32), { rotationReuseGraceSeconds: GRACE_SECONDS });
    reader = harness.get(CredentialReader);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const presented = (id: string, token: string) => ({ kind: 'pat' as const, id, token, subject: harness.userId });

  async function rotatedPair(rotatedAt: number) {
    const old = await harness.storePat(null, rotatedAt - 1000);
    const next = await harness.rotatePat(old.tokenId, rotatedAt);
    return { old, next };
  }

  it('refuses the rotated-away token until the last millisecond of the window, its successor untouched', async () => {
    const rotatedAt = Date.now();
    const { old, next } = await rotatedPair(rotatedAt);
    for (const at of [rotatedAt, rotatedAt + 1, rotatedAt + GRACE_SECONDS * 1000 - 1]) {
      await expect(reader.verify(presented(old.tokenId, old.token), at)).resolves.toBeUndefined();
    }
    await expect(reader.verify(presented(next.tokenId, next.token), rotatedAt + GRACE_SECONDS * 1000 - 1)).resolves.toMatchObject({ id: next.tokenId, revoked: false });
  });

  it('takes a use at the end of the window as reuse: the successors are revoked', async () => {
    const rotatedAt = Date.now();
    const { old, next } = await rotatedPair(rotatedAt);
    await expect(reader.verify(presented(old.tokenId, old.token), rotatedAt + GRACE_SECONDS * 1000)).resolves.toBeUndefined();
    await expect(reader.verify(presented(next.tokenId, next.token), rotatedAt + GRACE_SECONDS * 1000)).resolves.toBeUndefined();
    expect(await reader.findToken(next.tokenId)).toMatchObject({ revoked: true, revokedReason: 'reuse_detected' });
  });

  it('gives no grace to a rotation dated after the use (another instance\'s clock ahead): reuse detection', async () => {
    const rotatedAt = Date.now();
    const { old, next } = await rotatedPair(rotatedAt);
    await expect(reader.verify(presented(old.tokenId, old.token), rotatedAt - 1)).resolves.toBeUndefined();
    expect(await reader.findToken(next.tokenId)).toMatchObject({ revoked: true, revokedReason: 'reuse_detected' });
  });

  it('gives a store writer who dates a rotation to now nothing: the rotated-away token is still refused', async () => {
    const rotatedAt = Date.now() - 3600_000;
    const { old, next } = await rotatedPair(rotatedAt);
    // As a FalkorDB user with ~* could: move the revocation into the grace window, and un-revoke it outright.
    await harness.server.command(['GRAPH.QUERY', 'unit_rotation_grace', `MATCH (t:Token {token_id: '${old.tokenId}'}) SET t.revoked_at = ${Date.now()}`]);
    await expect(reader.verify(presented(old.tokenId, old.token), Date.now())).resolves.toBeUndefined();
    await harness.server.command(['GRAPH.QUERY', 'unit_rotation_grace', `MATCH (t:Token {token_id: '${old.tokenId}'}) SET t.revoked = false, t.revoked_reason = null`]);
    // Unrevoked by hand, its record no longer carries the MAC the service wrote: refused as tampered.
    await expect(reader.verify(presented(old.tokenId, old.token), Date.now())).resolves.toBeUndefined();
    expect(await reader.findToken(next.tokenId)).toMatchObject({ revoked: false });
  });

  it('records a use inside the window as auth.failed with reason rotated', async () => {
    const rotatedAt = Date.now();
    const { old, next } = await rotatedPair(rotatedAt);
    await reader.verify(presented(old.tokenId, old.token), rotatedAt + 1000);
    await harness.get(AuditEventAggregator).flush();
    const admin: Principal = {
      kind: 'pat',
      credentialId: next.tokenId,
      userId: harness.userId,
      username: USER.username,
      host: 'localhost',
      port: harness.server.port,
      tls: false,
      role: 'Admin',
      access: 'read-write',
      graphs: null,
      allowedIps: null,
      expiresAt: null,
    };
    const { events } = await harness.get(AuditService).list(admin, { token_id: old.tokenId, type: 'auth.failed' });
    expect(events).toEqual([expect.objectContaining({ type: 'auth.failed', detail: expect.objectContaining({ reason: 'rotated' }) })]);
    expect(await reader.findToken(next.tokenId)).toMatchObject({ revoked: false });
  });
});
