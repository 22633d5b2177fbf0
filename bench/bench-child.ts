import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';

/**
 * Runs `script` (a file of this folder) in a `node` process of its own, gives it `input` as JSON
 * on stdin and answers the JSON it prints on stdout. A client measured from its own fresh process
 * shares no event loop and no heap (and so no garbage collection pause) with the bench driver.
 * The child is killed after `timeoutMs`, or if the bench is cleaned up.
 */
export function runBenchChild<Output>(script: string, input: unknown, timeoutMs: number, cleanup: Cleanup, what: string): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, script)], {
      cwd: join(__dirname, '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const forget = cleanup.add(`stop the ${what} process`, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      void forget();
      if (code !== 0) return reject(new Error(`${what} process failed (${signal ?? `exit code ${code}`})`));
      try {
        resolve(JSON.parse(output) as Output);
      } catch {
        reject(new Error(`${what} process printed no result: ${output.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** Reads all of stdin (the child's input, as runBenchChild gives it). */
export async function readChildInput<Input>(): Promise<Input> {
  let text = '';
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) text += chunk.toString('utf8');
  return JSON.parse(text) as Input;
}
