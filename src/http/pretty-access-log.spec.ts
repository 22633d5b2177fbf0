import { prettyLine } from './pretty-access-log';

describe('prettyLine', () => {
  it('is the local time, method, path, status and duration: nothing else (no query, no client, no headers)', () => {
    const at = new Date(2026, 11, 7, 9, 5, 3, 42);
    expect(prettyLine({ requestId: 'r-1', method: 'GET', path: '/api/auth/tokens/self', status: 200, durationMs: 3.1, client: '203.0.113.9' }, at)).toBe(
      '09:05:03.042 GET /api/auth/tokens/self 200 3.1 ms',
    );
  });
});
