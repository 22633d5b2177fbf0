import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of src/, bottom first: a file may import only from its own part or from a lower
 * layer, never upward and never sideways into another part of the same layer, so no cycle can form
 * between parts. The first prefix that matches a file names its part (`audit/http`, the audit log's
 * HTTP face, sits above auth, whose guards it uses; the rest of audit sits below credentials).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['domain'],
  ['common'],
  ['falkordb'],
  ['paging'],
  ['audit'],
  ['credentials'],
  ['auth'],
  ['tokens', 'graph-api', 'health', 'openapi', 'audit/http'],
  ['settings-page', 'http', 'shutdown'],
  ['config'],
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

/** The src/ files a file imports (relative specifiers only: packages are not layers). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier))).filter((target) => target.startsWith(SRC));
}

describe('layers of src/', () => {
  const files = sourceFiles(SRC);

  it('has every source file in a layer', () => {
    for (const file of files) expect(() => partOf(file)).not.toThrow();
  });

  it('imports only downward, or within the same part', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = partOf(file);
      for (const target of importsOf(file)) {
        const to = partOf(`${target}.ts`);
        if (to.name !== from.name && to.layer >= from.layer) {
          upward.push(`${relative(SRC, file)} (${from.name || 'src'}) imports ${relative(SRC, target)} (${to.name || 'src'})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
