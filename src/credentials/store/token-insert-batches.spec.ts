import { NO_AUDIT_CONTEXT } from '../../audit/audit-event';
import { PendingInsert, TokenInsertBatches } from './token-insert-batches';
import { NewTokenRecord } from './token.record';

const token = (id: string, userId = 'user-a'): NewTokenRecord => ({ id, userId } as NewTokenRecord);

describe('TokenInsertBatches', () => {
  it('writes a lone token at once, then everything that arrived meanwhile in one write, at most the limit per write', async () => {
    const batches: string[][] = [];
    const inserts = new TokenInsertBatches((batch: readonly PendingInsert[]) => {
      batches.push(batch.map((pending) => pending.token.id));
      return Promise.resolve(new Set(batch.map((pending) => pending.token.id)));
    }, 3);
    const results = await Promise.all(['1', '2', '3', '4', '5', '6'].map((id) => inserts.insert(token(id, `user-${id}`), 10, NO_AUDIT_CONTEXT)));
    expect(batches).toEqual([['1'], ['2', '3', '4'], ['5', '6']]);
    expect(results).toEqual(Array(6).fill(true));
  });

  it('answers false for the tokens the write did not store, and fails the whole batch when the write fails', async () => {
    let call = 0;
    const inserts = new TokenInsertBatches((batch: readonly PendingInsert[]) => {
      call += 1;
      if (call === 2) return Promise.reject(new Error('store unavailable'));
      return Promise.resolve(new Set(batch.filter((pending) => pending.token.id !== 'refused').map((pending) => pending.token.id)));
    });
    const first = inserts.insert(token('refused'), 1, NO_AUDIT_CONTEXT);
    const failing = [inserts.insert(token('x'), 1, NO_AUDIT_CONTEXT), inserts.insert(token('y'), 1, NO_AUDIT_CONTEXT)];
    await expect(first).resolves.toBe(false);
    for (const result of failing) await expect(result).rejects.toThrow('store unavailable');
    // Later mints are written again as usual.
    await expect(inserts.insert(token('z'), 1, NO_AUDIT_CONTEXT)).resolves.toBe(true);
  });

  it('puts a token of a user already in the batch with another cap into the next write, keeping the order otherwise', async () => {
    const batches: string[][] = [];
    const inserts = new TokenInsertBatches((batch: readonly PendingInsert[]) => {
      batches.push(batch.map((pending) => `${pending.token.id}/${pending.maxActive}`));
      return Promise.resolve(new Set(batch.map((pending) => pending.token.id)));
    });
    await Promise.all([
      inserts.insert(token('a'), 5, NO_AUDIT_CONTEXT),
      inserts.insert(token('b'), 5, NO_AUDIT_CONTEXT),
      inserts.insert(token('c'), 2, NO_AUDIT_CONTEXT),
      inserts.insert(token('d', 'user-b'), 2, NO_AUDIT_CONTEXT),
      inserts.insert(token('e'), 5, NO_AUDIT_CONTEXT),
    ]);
    expect(batches).toEqual([['a/5'], ['b/5', 'd/2', 'e/5'], ['c/2']]);
  });
});
