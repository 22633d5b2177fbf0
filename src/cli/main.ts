#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { CliContext, GlobalOptions } from './cli-context';
import { readCliEnvironment } from './cli-environment';
import { ApiError, InterruptedError, NotSignedInError, TokenNotSavedError, UsageError } from './cli-errors';
import { graphCommands } from './graph-commands';
import { sessionCommands } from './session-commands';
import { tokenCommands } from './token-commands';

/** Exit codes: 0 done, 1 the service refused (its problem shown) or not signed in, 2 usage. */
const EXIT = { ok: 0, refused: 1, usage: 2, interrupted: 130 } as const;

export function buildProgram(): Command {
  const environment = readCliEnvironment();
  const program = new Command('falkordb-pat')
    .description('FalkorDB Personal Access Tokens from the command line: sign in, create, rotate and revoke tokens, run queries')
    .option('--url <url>', 'the service (default: FALKORDB_PAT_URL)')
    .option('--json', 'print JSON (for scripts)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const contextOf = (command: Command) => new CliContext(environment, command.optsWithGlobals<GlobalOptions>());
  sessionCommands(program, contextOf);
  tokenCommands(program, contextOf);
  graphCommands(program, contextOf);
  // Every command (and its subcommands) reports usage errors by throwing, so the exit code is ours.
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n(add --help for usage)\n`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      process.stderr.write(`Error ${error.message}\n`);
      return EXIT.refused;
    }
    if (error instanceof NotSignedInError || error instanceof TokenNotSavedError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.refused;
    }
    if (error instanceof InterruptedError) return EXIT.interrupted;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    process.stderr.write(`Error: ${cause ? `cannot reach the service (${cause})` : (error as Error).message}\n`);
    return EXIT.refused;
  }
}

if (require.main === module) {
  void run(process.argv).then((code) => {
    process.exitCode = code;
  });
}
