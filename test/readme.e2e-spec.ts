import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README as a new user reads it: traps found by trying it (issue 27) stay fixed. */
describe('README', () => {
  it('links only to files that exist in the repository (API-CONTRACT.md, the announcement, docs)', () => {
    const links = [...README.matchAll(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g)].map((match) => match[1].split('#')[0]);
    expect(links.length).toBeGreaterThanOrEqual(5);
    expect(links.filter((link) => !existsSync(join(ROOT, link)))).toEqual([]);
    expect(links).toEqual(expect.arrayContaining(['docs/API-CONTRACT.md', 'docs/seed/000_411ebad7c3d182c4.txt']));
    // The contract names the announcement beside it.
    const contract = readFileSync(join(ROOT, 'docs', 'API-CONTRACT.md'), 'utf8');
    for (const [, name] of contract.matchAll(/`(seed\/[^`]+)`/g)) expect(existsSync(join(ROOT, 'docs', name)), name).toBe(true);
    expect(existsSync(join(dirname(join(ROOT, 'docs', 'API-CONTRACT.md')), 'seed'))).toBe(true);
  });

  it('says that HOST=0.0.0.0 needs ALLOWED_HOSTS, where HOST is documented', () => {
    const hostRow = README.split('\n').find((line) => line.startsWith('| `HOST` |'));
    expect(hostRow).toMatch(/ALLOWED_HOSTS/);
    expect(hostRow).toMatch(/421/);
  });

  it('explains every value readiness gives for tokenStore', () => {
    for (const state of ['isolated', 'exposed', 'unchecked']) expect(README).toMatch(new RegExp(`\\| \`${state}\` \\|`));
  });

  it('shows an SDK snippet that runs under nodenext (file extension in the import, packages to install)', () => {
    const sdk = README.slice(README.indexOf('## Generate a client (SDK)'));
    expect(sdk).toMatch(/npm install openapi-fetch/);
    expect(sdk).toMatch(/from '\.\/falkordb-pat\.js'/);
    expect(sdk).not.toMatch(/from '\.\/falkordb-pat'/);
  });

  it('gives the package version as the API version (Swagger said 1.0.0 for 0.1.0)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as { info: { version: string } };
    expect(document.info.version).toBe(pkg.version);
  });
});
