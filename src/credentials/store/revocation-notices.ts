import { Logger } from '@nestjs/common';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { StoreChangeFeed } from '../../falkordb/store-change-feed';
import { CredentialKind } from '../../domain/credential-kind';
import { KeyedMac } from '../crypto/keyed-mac';
import { CredentialOwnerRef, RevokedCredentials } from './revoked-credentials';
import { errorMessage } from '../../common/error-message';

/** Revoked credentials this instance knows of at most (oldest forgotten first); each is ~150 bytes. */
export const MAX_KNOWN_REVOCATIONS = 50_000;

/** At most one warning about forged notices per this long: publishing junk must not flood the log. */
const FORGERY_WARNING_INTERVAL_MS = 60_000;

/** Ids per published notice: a bulk revocation is told in several, each well under a megabyte. */
const IDS_PER_NOTICE = 500;

const NOTICE_VERSION = 1;

/**
 * No notice this service publishes is longer: 500 ids of at most 34 characters, an owner whose
 * username (256) and host (255) could each take 6 characters a character when JSON-escaped, a MAC.
 * Anything longer is dropped before it is parsed or MACed: a flood of large messages on the
 * channel costs an instance no more than receiving them.
 */
export const MAX_NOTICE_LENGTH = 32 * 1024;

/** Where the instances of one deployment tell each other of revocations: one channel per token store. */
export function revocationChannelOf(tokenGraph: string): string {
  return `falkordb-pat:${tokenGraph}:revocations`;
}

interface RevocationNotice {
  v: typeof NOTICE_VERSION;
  kind: CredentialKind;
  ids: string[];
  owner: CredentialOwnerRef;
  mac: string;
}

function macFieldsOf(notice: Omit<RevocationNotice, 'mac'>): unknown[] {
  return [notice.v, notice.kind, notice.ids, notice.owner.username, notice.owner.host, notice.owner.port];
}

function isNotice(value: unknown): value is RevocationNotice {
  const notice = value as Partial<RevocationNotice> | null;
  return (
    typeof notice === 'object' &&
    notice !== null &&
    notice.v === NOTICE_VERSION &&
    (notice.kind === 'pat' || notice.kind === 'session') &&
    Array.isArray(notice.ids) &&
    notice.ids.every((id) => typeof id === 'string') &&
    typeof notice.owner?.username === 'string' &&
    typeof notice.owner.host === 'string' &&
    typeof notice.owner.port === 'number' &&
    typeof notice.mac === 'string'
  );
}

/**
 * Which credentials are revoked, as far as this instance has been told. Revocation is final (the
 * record's MAC is voided with it), so knowing a credential revoked never goes stale, and using that
 * knowledge can only refuse a request, never accept one.
 *
 * An instance that revokes publishes a notice on the store's server before the revocation answers;
 * every instance hears it on its StoreChangeFeed connection. So the first use of a revoked token
 * on another instance is refused without a store read, and a revoked token presented again and
 * again (a leaked one in a script) costs FalkorDB nothing. A notice is believed only with a valid
 * MAC (keyed by the deployment's encryption key): FalkorDB users may publish on any channel their
 * ACL allows, and a forged notice would lock another user's token out. A notice that is lost (feed
 * down, publish failed) costs nothing but that store read: the revocation itself is in the store.
 *
 * Tokens revoked by rotation are never told here: using one of those again must reach the store,
 * which revokes everything rotated from it (reuse detection).
 */
export class RevocationNotices {
  private readonly logger = new Logger('RevocationNotices');
  /** `kind:id` -> owner, oldest first. */
  private readonly known = new Map<string, CredentialOwnerRef>();
  private readonly mac: KeyedMac;
  private readonly channel: string;
  private forgeryWarnedAt = -Infinity;
  private publishWarned = false;

  constructor(
    private readonly store: FalkorDbConnection,
    feed: StoreChangeFeed | undefined,
    encryptionKey: string,
    private readonly maxKnown = MAX_KNOWN_REVOCATIONS,
  ) {
    this.mac = new KeyedMac(encryptionKey, 'falkordb-pat revocation notice v1', 'n1');
    this.channel = revocationChannelOf(store.tokenGraph);
    feed?.onMessage(this.channel, (message) => this.receive(message));
  }

  /** The owner of credential `id` when it is known to be revoked. */
  revokedOwnerOf(kind: CredentialKind, id: string): CredentialOwnerRef | undefined {
    return this.known.get(`${kind}:${id}`);
  }

  /** Notes a revocation this instance read from the store itself (not told to the others: they read it too). */
  remember(kind: CredentialKind, id: string, owner: CredentialOwnerRef): void {
    const key = `${kind}:${id}`;
    if (this.known.has(key)) return;
    if (this.known.size >= this.maxKnown) this.known.delete(this.known.keys().next().value as string);
    this.known.set(key, { username: owner.username, host: owner.host, port: owner.port });
  }

  /**
   * Notes the revocations one write made and tells the other instances. Never throws: the
   * revocation is stored already, and an instance that missed the notice reads it from the store.
   */
  async announce(kind: CredentialKind, revoked: readonly RevokedCredentials[]): Promise<void> {
    const published: Promise<unknown>[] = [];
    for (const { ids, owner } of revoked) {
      for (const id of ids) this.remember(kind, id, owner);
      for (let start = 0; start < ids.length; start += IDS_PER_NOTICE) {
        const notice = { v: NOTICE_VERSION, kind, ids: ids.slice(start, start + IDS_PER_NOTICE), owner } as const;
        const message = JSON.stringify({ ...notice, mac: this.mac.sign(macFieldsOf(notice)) });
        published.push(this.store.command(['PUBLISH', this.channel, message]));
      }
    }
    const failed = (await Promise.allSettled(published)).find((outcome) => outcome.status === 'rejected');
    if (failed && !this.publishWarned) {
      // Once: a service user without the channel in its ACL would otherwise log this per revocation.
      this.publishWarned = true;
      const reason = errorMessage(failed.reason);
      this.logger.warn(`Revocation notices cannot be published on ${this.channel} (${reason}): other instances read the store for revoked credentials instead`);
    }
  }

  private receive(message: string): void {
    if (message.length > MAX_NOTICE_LENGTH) {
      this.ignored(`longer than any notice (${message.length} characters)`);
      return;
    }
    let notice: unknown;
    try {
      notice = JSON.parse(message);
    } catch {
      notice = undefined;
    }
    if (!isNotice(notice) || !this.mac.verify(macFieldsOf(notice), notice.mac)) {
      this.ignored('no valid MAC');
      return;
    }
    for (const id of notice.ids) this.remember(notice.kind, id, notice.owner);
  }

  /** At most one warning a minute, whatever is published. */
  private ignored(why: string): void {
    const now = Date.now();
    if (now - this.forgeryWarnedAt < FORGERY_WARNING_INTERVAL_MS) return;
    this.forgeryWarnedAt = now;
    this.logger.warn(`Ignored a message on ${this.channel} that no instance of this deployment sent (${why})`);
  }
}
