import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PAT pattern docs/secret-scanning.md publishes (the fenced block after `<!-- pattern -->`), anchored to a whole token. */
export function publishedPatPattern(): RegExp {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'secret-scanning.md'), 'utf8');
  const block = /<!-- pattern -->\s*```\n([^\n]+)\n```/.exec(page);
  if (!block) throw new Error('docs/secret-scanning.md has no pattern block after <!-- pattern -->');
  return new RegExp(`^(?:${block[1]})$`);
}

const PAT_PATTERN = publishedPatPattern();

/** Throws unless `token` is what the published pattern recognises (every PAT the suites mint goes through this). */
export function assertScannable(token: string): void {
  if (!PAT_PATTERN.test(token)) throw new Error(`a minted PAT does not match docs/secret-scanning.md's pattern: ${token.slice(0, 80)}...`);
}
