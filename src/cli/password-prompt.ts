import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks for a password on the terminal without echoing it. Without a terminal (a script piping
 * it in), the first line of standard input is the password.
 */
export function promptPassword(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input });
      lines.once('line', (line) => {
        lines.close();
        resolve(line);
      });
      lines.once('close', () => reject(new Error('No password on standard input')));
    });
  }
  // Typed characters go to a stream that drops them, and the terminal is in raw mode (no echo of
  // its own) before the question is asked: nothing typed is shown.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input, output: muted, terminal: true });
  process.stderr.write(question);
  return new Promise((resolve) => {
    reader.question('', (answer) => {
      reader.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
