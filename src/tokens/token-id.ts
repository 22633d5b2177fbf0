import { randomBytes } from 'node:crypto';

/** `<epoch ms>-<8 hex>`, as in the announcement (`1761055513181-215c579b`). */
export function newTokenId(now: number): string {
  return `${now}-${randomBytes(4).toString('hex')}`;
}
