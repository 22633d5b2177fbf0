import type { TokenMetadata, TokenState } from './api';
import { expiresWithin, formatDate, formatDateTime, formatRelative, shortTokenId } from './format';

interface TokenTableProps {
  tokens: TokenMetadata[];
  /** Admins see every user's tokens: a "User" column says whose. */
  showUser: boolean;
  /** Active tokens expiring within this many days are marked "Expires soon" (0 = none). */
  expiryNoticeDays: number;
  loading: boolean;
  state: TokenState;
  onRotate: (token: TokenMetadata) => void;
  onRevoke: (token: TokenMetadata) => void;
}

const REVOKED_REASONS: Record<NonNullable<TokenMetadata['revoked_reason']>, string> = {
  owner: 'by its owner',
  admin: 'by an admin',
  rotated: 'rotated',
  reuse_detected: 'reuse of a rotated token detected',
  leaked: 'reported as leaked',
  bulk: 'all tokens revoked',
  unused: 'unused for too long',
};

/** Why a revoked token was revoked, for people ("reuse of a rotated token detected"); undefined when not said. */
export function revocationReason(token: TokenMetadata): string | undefined {
  return token.revoked_reason ? REVOKED_REASONS[token.revoked_reason] ?? token.revoked_reason : undefined;
}

/** Where a token is in its life, as the "State" column says it (revoked wins over expired). */
type LifeState = 'active' | 'expired' | 'revoked';

function lifeState(token: TokenMetadata, now: number): LifeState {
  if (token.revoked_at) return 'revoked';
  return token.expires_at && new Date(token.expires_at).getTime() <= now ? 'expired' : 'active';
}

/** An active token near its expiry: the first expiry notice is due (revoked and ended tokens never are). */
function expiresSoon(token: TokenMetadata, noticeDays: number, now: number): boolean {
  return !token.revoked_at && expiresWithin(token.expires_at, noticeDays, now);
}

function Access({ token }: { token: TokenMetadata }) {
  const { access, graphs } = token.permissions;
  return (
    <>
      <span class={`badge ${access === 'read' ? 'badge-read' : 'badge-write'}`}>{access === 'read' ? 'Read only' : 'Read and write'}</span>
      {graphs && <span class="sub">Graphs: {graphs.join(', ')}</span>}
      {token.allowed_ips && <span class="sub">From: {token.allowed_ips.join(', ')}</span>}
    </>
  );
}

/** The name, and a short id under it: tokens may share a name, their ids never do. */
function Name({ token }: { token: TokenMetadata }) {
  return (
    <>
      <span class="token-name">{token.name}</span>
      <span class="token-id">
        <span class="visually-hidden">ID </span>
        <code title={token.token_id}>{shortTokenId(token.token_id)}</code>
      </span>
    </>
  );
}

/** "Active", "Expired", or "Revoked — why" with when (and who, when not the owner). */
function State({ token, state }: { token: TokenMetadata; state: LifeState }) {
  if (!token.revoked_at) return state === 'active' ? <span class="badge badge-active">Active</span> : <span class="badge badge-ended">Expired</span>;
  const reason = revocationReason(token);
  return (
    <>
      {/* The dash stays with the badge, never alone at the start of a line. */}
      <span class="nowrap">
        <span class="badge badge-ended">Revoked</span>
        {reason ? ' —' : ''}
      </span>
      {reason && (
        <span class="state-reason">
          {' '}
          {reason}
          {token.revoked_by && token.revoked_reason !== 'owner' ? ` (${token.revoked_by})` : ''}
        </span>
      )}
      <time class="sub" dateTime={token.revoked_at} title={formatDateTime(token.revoked_at)}>
        {formatDate(token.revoked_at)}
      </time>
    </>
  );
}

/** The expiry only (the state has its own column): relative, the exact date on hover. */
function Expires({ token, now, soon, state }: { token: TokenMetadata; now: number; soon: boolean; state: LifeState }) {
  if (!token.expires_at) return <span>Never</span>;
  const exact = formatDateTime(token.expires_at);
  // Relative ("in 5 days"), the exact date on hover; screen readers get it as text, as a title is not reliably read.
  return (
    <>
      {soon && <span class="badge badge-expiring">Expires soon</span>}
      <time dateTime={token.expires_at} title={exact} class={state === 'active' ? undefined : 'muted'}>
        {formatRelative(token.expires_at, now)}
        <span class="visually-hidden"> ({exact})</span>
      </time>
    </>
  );
}

function LastUsed({ token }: { token: TokenMetadata }) {
  if (!token.last_used) return <span class="muted">Never</span>;
  const where = [
    token.last_used_ip ? `IP ${token.last_used_ip}` : undefined,
    token.last_used_user_agent ? `User agent: ${token.last_used_user_agent}` : undefined,
  ].filter(Boolean);
  const recent = token.recent_ips?.filter((ip) => ip !== token.last_used_ip) ?? [];
  return (
    <>
      <time dateTime={token.last_used} title={[formatDateTime(token.last_used), ...where].join('\n')}>
        {formatRelative(token.last_used)}
      </time>
      {token.last_used_ip && (
        <details class="where">
          <summary>from {token.last_used_ip}</summary>
          <dl>
            {token.last_used_user_agent && (
              <>
                <dt>User agent</dt>
                <dd>{token.last_used_user_agent}</dd>
              </>
            )}
            {recent.length > 0 && (
              <>
                <dt>Also seen from</dt>
                <dd>{recent.join(', ')}</dd>
              </>
            )}
          </dl>
        </details>
      )}
    </>
  );
}

/**
 * The tokens as a table (as cards on narrow screens, by CSS); Rotate and Revoke on active ones.
 * The table fits its column (cells wrap, the buttons stack when space is short): it never scrolls sideways.
 */
export function TokenTable({ tokens, showUser, expiryNoticeDays, loading, state, onRotate, onRevoke }: TokenTableProps) {
  const now = Date.now();
  const columns = showUser ? 8 : 7;
  return (
    <div class="table-wrap">
      <table class="tokens" aria-busy={loading}>
        <caption class="visually-hidden">{showUser ? 'Tokens of every user of this server' : 'Your tokens'}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">State</th>
            <th scope="col">Access</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {loading && (
            <tr>
              <td colSpan={columns} class="empty">
                Loading…
              </td>
            </tr>
          )}
          {!loading && tokens.length === 0 && (
            <tr>
              <td colSpan={columns} class="empty">
                {state === 'active' ? 'No active tokens. Generate one to get started.' : 'No tokens match.'}
              </td>
            </tr>
          )}
          {tokens.map((token) => {
            const soon = expiresSoon(token, expiryNoticeDays, now);
            const life = lifeState(token, now);
            // Names may repeat: the short id makes each button's name unique for screen readers.
            const which = `${token.name} (ID ${shortTokenId(token.token_id)})`;
            return (
              <tr key={token.token_id} data-token-id={token.token_id} data-expiring={soon ? 'true' : undefined}>
                <th scope="row" data-label="Name" class="name">
                  <Name token={token} />
                </th>
                {showUser && (
                  <td data-label="User">
                    <span class="user-name">{token.username}</span>
                    <span class="sub">{token.role}</span>
                  </td>
                )}
                <td data-label="State">
                  <State token={token} state={life} />
                </td>
                <td data-label="Access">
                  <Access token={token} />
                </td>
                <td data-label="Created">
                  <time dateTime={token.created_at} title={formatDateTime(token.created_at)}>
                    {formatDate(token.created_at)}
                  </time>
                </td>
                <td data-label="Expires">
                  <Expires token={token} now={now} soon={soon} state={life} />
                </td>
                <td data-label="Last used">
                  <LastUsed token={token} />
                </td>
                <td class="row-actions">
                  {life === 'active' && (
                    <div class="row-buttons">
                      <button type="button" onClick={() => onRotate(token)}>
                        Rotate<span class="visually-hidden"> {which}</span>
                      </button>
                      <button type="button" class="danger-outline" onClick={() => onRevoke(token)}>
                        Revoke<span class="visually-hidden"> {which}</span>
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
