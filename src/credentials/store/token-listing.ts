import { SortDirection } from '../../paging/keyset';
import { CypherListing } from '../../paging/cypher-keyset-source';
import { NULL_ORDER_OFFSET, ORDER_KEY_DOMAIN } from './token-order-keys';
import { TokenListFilter, TokenScope, TokenSort, TokenState } from './token.record';

/** Each list state as a condition on token variable `v` (constants, never user text). */
export function stateCondition(state: TokenState, v: string): string {
  switch (state) {
    case 'active':
      return `${v}.revoked = false AND (${v}.expires_at IS NULL OR ${v}.expires_at > $now)`;
    case 'expired':
      return `${v}.revoked = false AND ${v}.expires_at <= $now`;
    case 'revoked':
      return `${v}.revoked = true`;
    case 'all':
      return 'true';
  }
}

/**
 * The same states as conditions an index answers, so a window reads only tokens in the state:
 * an active token is counted until a time after now (counts_until: expiry, or for ever; cleared on
 * revocation and once expired), an expired one has expires_at before now.
 */
const INDEXED_STATE: Readonly<Record<TokenState, string | null>> = {
  active: 'n.counts_until > $now',
  expired: 'n.expires_at <= $now',
  revoked: 'n.revoked = true',
  all: null,
};

/** Which stored key each sort reads (see token-order-keys.ts), and which way. */
const SORT_KEYS: Readonly<Record<TokenSort, { property: string; direction: SortDirection }>> = {
  '-created_at': { property: 'created_at', direction: 'desc' },
  created_at: { property: 'created_at', direction: 'asc' },
  '-expires_at': { property: 'expires_order', direction: 'desc' },
  expires_at: { property: 'expires_order', direction: 'asc' },
  '-last_used': { property: 'last_used_order', direction: 'desc' },
  last_used: { property: 'last_used_order', direction: 'asc' },
};

/** Leeway for clocks of other instances: a token created "in the future" by a minute is still found first. */
const CLOCK_LEEWAY_MS = 60_000;

/**
 * Where a first page probably finds its rows (readKeysetPage's pivot): just after now for the
 * newest first, the newest never-expiring tokens for `-expires_at`, and now for active tokens that
 * expire soonest. Only a hint: rows beyond it are found all the same.
 */
function pivotOf(sort: TokenSort, state: TokenState, now: number): number | undefined {
  switch (sort) {
    case '-created_at':
    case '-last_used':
      return now + CLOCK_LEEWAY_MS;
    case '-expires_at':
      return NULL_ORDER_OFFSET + now + CLOCK_LEEWAY_MS;
    case 'expires_at':
      return state === 'active' ? now : undefined;
    default:
      return undefined;
  }
}

export interface TokenListingQuery {
  listing: CypherListing;
  direction: SortDirection;
  pivot?: number;
}

/**
 * A list of tokens as a keyset listing: the sort key's index range, with the conditions an index
 * answers (owner, state, expires_before, last_used_before) in the same scan, and the rest (server,
 * exact state, name) checked on what it found.
 */
export function tokenListing(scope: TokenScope, filter: TokenListFilter, sort: TokenSort, now: number): TokenListingQuery {
  const username = scope.username ?? filter.username;
  const indexed = [
    ...(username === undefined ? [] : ['n.username = $username']),
    ...(INDEXED_STATE[filter.state] === null ? [] : [INDEXED_STATE[filter.state] as string]),
    ...(filter.expiresBefore === undefined ? [] : ['n.expires_at < $expires_before']),
    ...(filter.lastUsedBefore === undefined ? [] : ['n.last_used_order < $last_used_before']),
  ];
  const filters = [
    'n.host = $host AND n.port = $port',
    stateCondition(filter.state, 'n'),
    ...(filter.nameContains === undefined ? [] : ['toLower(n.name) CONTAINS $name']),
  ];
  const { property, direction } = SORT_KEYS[sort];
  return {
    listing: {
      label: 'Token',
      keyProperty: property,
      idProperty: 'token_id',
      indexed,
      filters,
      params: {
        host: scope.host,
        port: scope.port,
        now,
        username: username ?? null,
        expires_before: filter.expiresBefore ?? null,
        last_used_before: filter.lastUsedBefore ?? null,
        name: filter.nameContains === undefined ? null : filter.nameContains.toLowerCase(),
      },
      domain: ORDER_KEY_DOMAIN,
    },
    direction,
    pivot: pivotOf(sort, filter.state, now),
  };
}
