import {
  isUseWriteDue,
  LAST_USED_WRITE_INTERVAL_MS,
  MAX_USER_AGENT_LENGTH,
  NEW_ADDRESS_WRITE_INTERVAL_MS,
  recentIpsAfter,
  userAgentOf,
} from './usage-tracking';

describe('usage tracking', () => {
  const at = 1_764_000_000_000;
  const use = (ip: string | null, when = at) => ({ at: when, ip, userAgent: 'curl/8.5.0' });

  describe('isUseWriteDue', () => {
    it('writes the first use, and then last_used at most every 5 minutes from a known address', () => {
      expect(isUseWriteDue({ lastUsed: null, recentIps: [], newIpAt: null }, use('10.0.0.1'), true)).toBe(true);
      const recorded = { lastUsed: at, recentIps: ['10.0.0.1'], newIpAt: at };
      expect(isUseWriteDue(recorded, use('10.0.0.1', at + LAST_USED_WRITE_INTERVAL_MS - 1), true)).toBe(false);
      expect(isUseWriteDue(recorded, use('10.0.0.1', at + LAST_USED_WRITE_INTERVAL_MS), true)).toBe(true);
    });

    it('writes a new address at once, but at most once a minute', () => {
      const recorded = { lastUsed: at, recentIps: ['10.0.0.1'], newIpAt: at };
      expect(isUseWriteDue(recorded, use('10.0.0.2', at + NEW_ADDRESS_WRITE_INTERVAL_MS - 1), true)).toBe(false);
      expect(isUseWriteDue(recorded, use('10.0.0.2', at + NEW_ADDRESS_WRITE_INTERVAL_MS), true)).toBe(true);
      // A token never seen from a new address before (newIpAt null) writes the first new one at once.
      expect(isUseWriteDue({ lastUsed: at, recentIps: ['10.0.0.1'], newIpAt: null }, use('10.0.0.2', at + 1), true)).toBe(true);
    });

    it('does not track addresses for sessions, nor an unknown address', () => {
      const recorded = { lastUsed: at, recentIps: ['10.0.0.1'], newIpAt: null };
      expect(isUseWriteDue(recorded, use('10.0.0.2', at + 1), false)).toBe(false);
      expect(isUseWriteDue(recorded, use(null, at + 1), true)).toBe(false);
    });
  });

  it('keeps up to 5 distinct addresses, newest first', () => {
    expect(recentIpsAfter([], '10.0.0.1')).toEqual(['10.0.0.1']);
    expect(recentIpsAfter(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(recentIpsAfter(['a', 'b', 'c', 'd', 'e'], 'f')).toEqual(['f', 'a', 'b', 'c', 'd']);
    expect(recentIpsAfter(['a'], null)).toEqual(['a']);
  });

  it('cuts a user agent to 200 characters without splitting a surrogate pair', () => {
    expect(userAgentOf(undefined)).toBeNull();
    expect(userAgentOf('')).toBeNull();
    expect(userAgentOf(['first', 'second'])).toBe('first');
    expect(userAgentOf('x'.repeat(250))).toBe('x'.repeat(MAX_USER_AGENT_LENGTH));
    const emoji = '😀'.repeat(250);
    const cut = userAgentOf(emoji)!;
    expect(Array.from(cut)).toHaveLength(MAX_USER_AGENT_LENGTH);
    expect(cut.isWellFormed()).toBe(true);
  });
});
