/**
 * `npm run openapi`: writes openapi.json from the code, then the CLI's API types from it
 * (generate-cli-types.mjs). `npm run openapi -- --check` only compares both and exits 1 when a
 * committed file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { generateOpenApiDocument, OPENAPI_FILE, serializeOpenApiDocument } from './openapi-document';

async function main(): Promise<void> {
  const text = serializeOpenApiDocument(await generateOpenApiDocument());
  const name = relative(process.cwd(), OPENAPI_FILE);
  const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => undefined);
  if (process.argv.includes('--check')) {
    if (committed === text) {
      console.log(`${name} is up to date`);
      return;
    }
    console.error(`${name} is out of date: run \`npm run openapi\` and commit the result`);
    process.exitCode = 1;
    return;
  }
  if (committed === text) {
    console.log(`${name} unchanged`);
    return;
  }
  await writeFile(OPENAPI_FILE, text);
  console.log(`wrote ${name}`);
}

/** The CLI's types follow openapi.json (an ES module script: openapi-typescript is ESM only). */
function cliTypes(): void {
  const check = process.argv.includes('--check') ? ['--check'] : [];
  const result = spawnSync(process.execPath, [join(__dirname, 'generate-cli-types.mjs'), ...check], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}

main()
  .then(() => {
    if (!process.exitCode) cliTypes();
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
