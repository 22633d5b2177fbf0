import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { InterruptedError } from './cli-errors';

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
  return new Promise((resolve, reject) => {
    let answered = false;
    // Ctrl-C (or Ctrl-D) at the prompt is an interruption, never an empty password or a silent success.
    reader.once('SIGINT', () => reader.close());
    reader.once('close', () => {
      if (answered) return;
      process.stderr.write('\n');
      reject(new InterruptedError());
    });
    reader.question('', (answer) => {
      answered = true;
      reader.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
