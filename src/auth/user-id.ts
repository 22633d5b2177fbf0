import { createHash } from 'node:crypto';

/** Stable id for `username@host:port`: the same FalkorDB user always gets the same id. */
export function userIdOf(username: string, host: string, port: number): string {
  const digest = createHash('sha256').update(`${username}@${host.toLowerCase()}:${port}`).digest('hex');
  return `user-${digest.slice(0, 12)}`;
}
