import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of src/, bottom first: a file may import only from its own part or from a lower
 * layer, never upward and never sideways into another part of the same layer, so no cycle can form
 * between parts. The first prefix that matches a file names its part (`audit/http`, the audit log's
 * HTTP face, sits above auth, whose guards it uses; the rest of audit sits below credentials; the
 * event webhook drains audit's outbox, above credentials, whose store exposure it checks).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['domain'],
  ['common'],
  ['metrics'],
  ['falkordb'],
  ['paging'],
  ['audit'],
  ['credentials'],
  ['event-delivery'],
  ['auth'],
  ['tokens', 'graph-api', 'health', 'openapi', 'audit/http'],
  ['settings-page', 'http', 'shutdown', 'logging'],
  ['config'],
  ['cli'],
  [''], // the facade, the app and the entry points at src/ itself
];

const SRC = __dirname;

interface Part {
  name: string;
  layer: number;
}

const PARTS: Part[] = LAYERS.flatMap((names, layer) => names.map((name) => ({ name, layer })))
  // Longest prefix first, so `audit/http` wins over `audit`.
  .sort((a, b) => b.name.length - a.name.length);

function partOf(file: string): Part {
  const path = relative(SRC, file);
  const part = PARTS.find(({ name }) => name === '' ? !path.includes('/') : path === name || path.startsWith(`${name}/`));
  if (!part) throw new Error(`${path} is in no layer: add its folder to LAYERS`);
  return part;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) && !/\.spec\.ts$/.test(entry) ? [path] : [];
  });
}

/** Every module specifier in a file: import/export ... from, side-effect imports, import(), require(), import x = require(). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])([^'"`]+)\1/gm;

/** The src/ file a specifier names: `x` as `x.ts`, `x.tsx` or `x/index.ts`; undefined outside src/ (packages are not layers). */
function resolveImport(file: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('.')) base = normalize(join(dirname(file), specifier));
  else if (specifier.startsWith('src/')) base = join(SRC, specifier.slice('src/'.length));
  else return undefined;
  if (!base.startsWith(SRC)) return undefined;
  const candidates = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? `${base}.ts`;
}

/** The src/ files a file imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].flatMap((match) => resolveImport(file, match[2]) ?? []);
}

describe('layers of src/', () => {
  const files = sourceFiles(SRC);

  it('reads the imports it checks (relative, src/-rooted, double-quoted, index and type-only)', () => {
    expect(importsOf(join(SRC, 'auth', 'jwt.strategy.ts'))).toEqual(expect.arrayContaining([join(SRC, 'auth', 'principal-of.ts'), join(SRC, 'domain', 'principal.ts')]));
    const sample = join(SRC, 'tokens', 'token-access.ts');
    expect(resolveImport(sample, '../domain/principal')).toBe(join(SRC, 'domain', 'principal.ts'));
    expect(resolveImport(sample, 'src/auth/role-detector')).toBe(join(SRC, 'auth', 'role-detector.ts'));
    expect(resolveImport(sample, '@nestjs/common')).toBeUndefined();
    expect([...'import type { X } from "../auth/x";\nexport * from \'./y\';\nconst z = require(`../config/z`);'.matchAll(SPECIFIER)].map((m) => m[2])).toEqual(['../auth/x', './y', '../config/z']);
  });

  it('has every source file in a layer', () => {
    for (const file of files) expect(() => partOf(file)).not.toThrow();
  });

  it('imports only downward, or within the same part', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = partOf(file);
      for (const target of importsOf(file)) {
        const to = partOf(target);
        if (to.name !== from.name && to.layer >= from.layer) {
          upward.push(`${relative(SRC, file)} (${from.name || 'src'}) imports ${relative(SRC, target)} (${to.name || 'src'})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no cycle between a part's subfolders (each may use the files at its part's root)", () => {
    const folderOf = (file: string) => relative(SRC, dirname(file));
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      const part = partOf(file);
      for (const target of importsOf(file)) {
        const [from, to] = [folderOf(file), folderOf(target)];
        if (from === to || partOf(target).name !== part.name || to === part.name) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' -> '));
        return;
      }
      for (const next of edges.get(folder) ?? []) visit(next, [...path, folder]);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
