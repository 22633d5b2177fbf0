import { firstExpiryNoticeDays } from './settings-page.module';

describe('firstExpiryNoticeDays (from which the page marks a token as expiring soon)', () => {
  it.each([
    [undefined, 7],
    [[7, 1], 7],
    [[1, 30, 7], 30],
    [[0.5], 0.5],
    [[], 0],
  ])('%j -> %s', (configured, expected) => {
    expect(firstExpiryNoticeDays(configured)).toBe(expected);
  });
});
