import { Command, Option } from 'commander';
import { PendingFile } from './atomic-file';
import { CliContext } from './cli-context';
import { TokenNotSavedError, UsageError } from './cli-errors';
import { secondsOf } from './durations';
import { printFields, printJson, printTable } from './output';
import { answerOf } from './service-api';

type Context = (command: Command) => CliContext;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface TokenRow {
  token_id: string;
  name: string;
  username: string;
  expires_at: string | null;
  last_used: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

function stateOf(token: TokenRow, now = Date.now()): string {
  if (token.revoked_at) return `revoked${token.revoked_reason ? ` (${token.revoked_reason})` : ''}`;
  if (token.expires_at && Date.parse(token.expires_at) <= now) return 'expired';
  return 'active';
}

/** `{ttlSeconds}` / `{expiresAt}` / nothing (never expires) from --expires-in, --expires-at, --no-expiry. */
function lifetimeOf(options: { expiresIn?: string; expiresAt?: string; expiry?: boolean }, neverAllowed: boolean): { ttlSeconds?: number; expiresAt?: string } {
  const given = [options.expiresIn !== undefined, options.expiresAt !== undefined, options.expiry === false].filter(Boolean).length;
  if (given > 1) throw new UsageError('Give one of --expires-in, --expires-at and --no-expiry');
  if (options.expiresIn !== undefined) return { ttlSeconds: secondsOf(options.expiresIn) };
  if (options.expiresAt !== undefined) return { expiresAt: options.expiresAt };
  if (options.expiry === false && !neverAllowed) throw new UsageError('--no-expiry is for token create (a rotated token keeps its lifetime unless told otherwise)');
  return {};
}

type CreatedToken = { token: string; tokenId: string; expiresAt: string | null };

/**
 * Makes a token (create or rotate) and hands it over: printed, or written to `--write-to` (then
 * only its id is printed). The file is opened before the call, so an unwritable destination fails
 * before anything is created or revoked; should writing still fail afterwards, the token goes to
 * standard error rather than being lost (a rotation has already revoked the old one).
 */
async function makeAndDeliverToken(context: CliContext, make: () => Promise<CreatedToken>, writeTo: string | undefined): Promise<void> {
  if (!writeTo) {
    const created = await make();
    if (context.output.json) printJson(created);
    else process.stdout.write(`${created.token}\n`);
    return;
  }
  let pending: PendingFile;
  try {
    pending = await PendingFile.create(writeTo);
  } catch (error) {
    throw new UsageError(`--write-to ${writeTo} cannot be written (${(error as Error).message}); nothing was changed`);
  }
  let created: CreatedToken;
  try {
    created = await make();
  } catch (error) {
    await pending.discard();
    throw error;
  }
  try {
    await pending.commit(`${created.token}\n`);
  } catch (error) {
    process.stderr.write(`Writing ${writeTo} failed (${(error as Error).message}); the new token, shown only now:\n${created.token}\n`);
    throw new TokenNotSavedError(created.tokenId);
  }
  if (context.output.json) printJson({ tokenId: created.tokenId, expiresAt: created.expiresAt, writtenTo: writeTo });
  else process.stdout.write(`Token ${created.tokenId} written to ${writeTo} (mode 0600), expires ${created.expiresAt ?? 'never'}\n`);
}

export function tokenCommands(program: Command, contextOf: Context): void {
  const token = program.command('token').description('Create, list, show, rotate and revoke Personal Access Tokens');

  token
    .command('create')
    .description('Create a token (needs `login`: a token cannot create tokens); prints it once')
    .requiredOption('--name <name>', 'what it is for, e.g. "CI deploy"')
    .option('--expires-in <duration>', 'lifetime: 30d, 12h, 2w, 90m')
    .option('--expires-at <iso>', 'expiry, ISO 8601 with a zone')
    .option('--no-expiry', 'never expires (when the service allows it)')
    .option('--read-only', 'only read queries')
    .option('--graph <pattern>', 'a graph it may reach (name, or prefix*); repeat for more', collect, [])
    .option('--allowed-ip <cidr>', 'an address or range it may be used from; repeat for more', collect, [])
    .option('--write-to <file>', 'write the token to this file (0600) instead of printing it')
    .action(async (options: { name: string; expiresIn?: string; expiresAt?: string; expiry?: boolean; readOnly?: boolean; graph: string[]; allowedIp: string[]; writeTo?: string }, command: Command) => {
      const context = contextOf(command);
      const permissions = options.readOnly || options.graph.length ? { ...(options.readOnly ? { access: 'read' as const } : {}), ...(options.graph.length ? { graphs: options.graph } : {}) } : undefined;
      const body = { name: options.name, ...lifetimeOf(options, true), ...(permissions ? { permissions } : {}), ...(options.allowedIp.length ? { allowedIps: options.allowedIp } : {}) };
      const client = await context.client();
      await makeAndDeliverToken(context, () => answerOf(client.POST('/api/auth/tokens', { body })), options.writeTo);
    });

  token
    .command('list')
    .description('List tokens (yours; an admin\'s: the server\'s), filtered and paged as the API')
    .addOption(new Option('--state <state>', 'which tokens').choices(['active', 'expired', 'revoked', 'all']))
    .option('--username <name>', 'another user\'s (admins)')
    .option('--name <text>', 'name contains (any case)')
    .option('--expires-before <iso>', 'expiring before')
    .option('--last-used-before <iso>', 'last used before (never used counts)')
    .addOption(new Option('--sort <order>', 'order').choices(['created_at', '-created_at', 'expires_at', '-expires_at', 'last_used', '-last_used']))
    .option('--limit <n>', 'page size (1-200)')
    .option('--cursor <cursor>', 'the next page, as the previous one said')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const context = contextOf(command);
      const query = {
        state: options.state as 'active' | undefined,
        username: options.username,
        name: options.name,
        expires_before: options.expiresBefore,
        last_used_before: options.lastUsedBefore,
        sort: options.sort as 'created_at' | undefined,
        limit: options.limit === undefined ? undefined : Number(options.limit),
        cursor: options.cursor,
      };
      const page = await answerOf((await context.client()).GET('/api/auth/tokens', { params: { query } }));
      if (context.output.json) {
        printJson(page);
        return;
      }
      const rows = (page.tokens as TokenRow[]).map((row) => ({
        id: row.token_id,
        name: row.name,
        user: row.username,
        state: stateOf(row),
        expires: row.expires_at ?? 'never',
        'last used': row.last_used ?? 'never',
      }));
      printTable(rows, ['id', 'name', 'user', 'state', 'expires', 'last used'], 'No tokens match');
      if (page.next_cursor) process.stdout.write(`More: --cursor ${page.next_cursor}\n`);
    });

  token
    .command('show')
    .description('Show a token: its id, or `self` (the token the CLI acts with)')
    .argument('<id>', 'token id, or self')
    .action(async (id: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const { token: shown } = await answerOf(id === 'self' ? client.GET('/api/auth/tokens/self') : client.GET('/api/auth/tokens/{tokenId}', { params: { path: { tokenId: id } } }));
      if (context.output.json) {
        printJson(shown);
        return;
      }
      printFields([
        ['id', shown.token_id],
        ['name', shown.name],
        ['user', `${shown.username} (${shown.role})`],
        ['state', stateOf(shown)],
        ['created', shown.created_at],
        ['expires', shown.expires_at ?? 'never'],
        ['last used', shown.last_used ? `${shown.last_used} from ${shown.last_used_ip ?? 'unknown'}` : 'never'],
        ['access', shown.permissions.access],
        ['graphs', shown.permissions.graphs?.join(', ') ?? 'all of the user\'s'],
        ['allowed ips', shown.allowed_ips?.join(', ') ?? 'anywhere'],
      ]);
    });

  token
    .command('rotate')
    .description('Replace a token (its id, or `self`) by a new one with the same name and permissions; the old one stops working at once')
    .argument('<id>', 'token id, or self')
    .option('--expires-in <duration>', 'the new token\'s lifetime (default: the old one\'s length)')
    .option('--expires-at <iso>', 'the new token\'s expiry')
    .option('--write-to <file>', 'write the new token to this file (0600, atomically) instead of printing it')
    .action(async (id: string, options: { expiresIn?: string; expiresAt?: string; writeTo?: string }, command: Command) => {
      const context = contextOf(command);
      const client = await context.client();
      const body = lifetimeOf(options, false);
      const rotate = () =>
        answerOf(id === 'self' ? client.POST('/api/auth/tokens/self/rotate', { body }) : client.POST('/api/auth/tokens/{tokenId}/rotate', { params: { path: { tokenId: id } }, body }));
      await makeAndDeliverToken(context, rotate, options.writeTo);
    });

  token
    .command('revoke')
    .description('Revoke a token (its id, or `self`), or all of yours with --all')
    .argument('[id]', 'token id, or self')
    .option('--all', 'every active token of yours (or of --username, for admins)')
    .option('--username <name>', 'with --all: that user\'s (admins)')
    .action(async (id: string | undefined, options: { all?: boolean; username?: string }, command: Command) => {
      const context = contextOf(command);
      if ((id === undefined) === (options.all !== true)) throw new UsageError('Give a token id (or self), or --all');
      const client = await context.client();
      if (options.all) {
        const result = await answerOf(client.DELETE('/api/auth/tokens', { params: { query: { username: options.username } } }));
        if (context.output.json) printJson(result);
        else process.stdout.write(`Revoked ${result.revoked} token(s)\n`);
        return;
      }
      const result = await answerOf(id === 'self' ? client.DELETE('/api/auth/tokens/self') : client.DELETE('/api/auth/tokens/{tokenId}', { params: { path: { tokenId: id! } } }));
      if (context.output.json) printJson(result);
      else process.stdout.write(`Revoked ${result.tokenId}\n`);
    });
}
