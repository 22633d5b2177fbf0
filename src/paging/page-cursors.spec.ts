import * as fc from 'fast-check';
import { ValidationFailedError } from '../common/domain-errors';
import { PageCursors } from './page-cursors';

describe('PageCursors', () => {
  const cursors = new PageCursors('5e'.repeat(32));
  const binding = JSON.stringify(['tokens', 'user-1', 'localhost', 6379, 'active', '-created_at']);
  const state = { after: { key: 1_764_000_000_000, id: '1764000000000-0a1b2c3d' }, width: 3_600_000 };

  const expectRefused = (open: () => unknown) => {
    expect(open).toThrow(ValidationFailedError);
    try {
      open();
    } catch (error) {
      expect((error as ValidationFailedError).fields).toEqual({ cursor: [expect.stringContaining('cursor is not valid for this listing')] });
    }
  };

  it('opens what it sealed, for the same listing', () => {
    const cursor = cursors.seal(binding, state);
    expect(cursor).toMatch(/^c1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(cursors.open(binding, cursor)).toEqual(state);
    const between = { after: { key: -5, id: null }, width: 1 };
    expect(cursors.open(binding, cursors.seal(binding, between))).toEqual(between);
  });

  it("refuses a cursor of another listing, another caller's, or one sealed with another key", () => {
    const cursor = cursors.seal(binding, state);
    expectRefused(() => cursors.open(JSON.stringify(['tokens', 'user-2', 'localhost', 6379, 'active', '-created_at']), cursor));
    expectRefused(() => cursors.open(JSON.stringify(['tokens', 'user-1', 'localhost', 6379, 'revoked', '-created_at']), cursor));
    expectRefused(() => new PageCursors('5f'.repeat(32)).open(binding, cursor));
  });

  it('refuses every altered cursor (any character changed, added or removed) and garbage', () => {
    const cursor = cursors.seal(binding, state);
    fc.assert(
      fc.property(fc.nat(cursor.length - 1), fc.constantFrom('A', 'b', '_', '-', '.', '', 'AA'), (at, replacement) => {
        const altered = cursor.slice(0, at) + replacement + cursor.slice(at + 1);
        fc.pre(altered !== cursor);
        expectRefused(() => cursors.open(binding, altered));
      }),
    );
    for (const garbage of ['', 'c1', 'c1..', 'c2.e30.x', 'x'.repeat(600), `${cursor}.${cursor}`]) expectRefused(() => cursors.open(binding, garbage));
  });

  it('refuses a forged payload even with a well-formed shape (the MAC covers it)', () => {
    const [version, , mac] = cursors.seal(binding, state).split('.');
    const forged = Buffer.from(JSON.stringify([9_999_999_999_999, null, 1])).toString('base64url');
    expectRefused(() => cursors.open(binding, `${version}.${forged}.${mac}`));
  });
});
