import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { CliContext } from './cli-context';
import { ApiError } from './cli-errors';
import { printFields, printJson } from './output';
import { answerOf } from './service-api';
import { promptPassword } from './password-prompt';

type Context = (command: Command) => CliContext;

async function askUsername(): Promise<string> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await reader.question('FalkorDB username: ')).trim();
  } finally {
    reader.close();
  }
}

export function sessionCommands(program: Command, contextOf: Context): void {
  program
    .command('login')
    .description('Sign in with your FalkorDB username and password (asked without echo); the session is stored for the service, mode 0600')
    .option('--username <name>', 'FalkorDB username (asked when not given)')
    .option('--host <host>', 'FalkorDB server to sign in to (default: the service\'s own)')
    .option('--port <port>', 'its port')
    .action(async (options: { username?: string; host?: string; port?: string }, command: Command) => {
      const context = contextOf(command);
      const username = options.username ?? (await askUsername());
      const password = await promptPassword(`Password for ${username}: `);
      const { data, error, response } = await context.anonymousClient().POST('/api/auth/login', {
        body: { username, password, ...(options.host ? { host: options.host } : {}), ...(options.port ? { port: options.port } : {}) },
      });
      if (!response.ok || !data) throw new ApiError(response.status, error);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
      if (!cookie.includes('=')) throw new Error('The service signed in but sent no session cookie: is --url the service itself, not a proxy that drops cookies?');
      await context.sessions.put(context.url, { cookie, username: data.username, role: data.role, expiresAt: data.expiresAt });
      if (context.output.json) printJson({ url: context.url, username: data.username, role: data.role, expiresAt: data.expiresAt });
      else process.stdout.write(`Signed in to ${context.url} as ${data.username} (${data.role}) until ${data.expiresAt}\n`);
    });

  program
    .command('logout')
    .description('End the stored session for the service, and forget it')
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const session = await context.sessions.get(context.url);
      if (session) {
        // Ended on the service too when it answers; forgotten here whatever it says (or if it is unreachable).
        await context
          .anonymousClient()
          .POST('/api/auth/logout', { headers: { cookie: session.cookie, origin: new URL(context.url).origin } })
          .catch(() => undefined);
      }
      const removed = await context.sessions.remove(context.url);
      if (context.output.json) printJson({ url: context.url, signedOut: removed });
      else process.stdout.write(removed ? `Signed out of ${context.url}\n` : `Not signed in to ${context.url}\n`);
    });

  program
    .command('whoami')
    .description('Who the CLI acts as on the service (FALKORDB_PAT_TOKEN, or the stored session)')
    .action(async (_options: unknown, command: Command) => {
      const context = contextOf(command);
      const credential = await context.credential();
      const client = await context.client();
      if (credential.kind === 'token') {
        const { token } = await answerOf(client.GET('/api/auth/tokens/self'));
        const me = { url: context.url, username: token.username, via: 'token', tokenId: token.token_id, tokenName: token.name, expiresAt: token.expires_at };
        if (context.output.json) printJson(me);
        else printFields([['service', me.url], ['username', me.username], ['via', `token ${me.tokenId} (${me.tokenName})`], ['expires', me.expiresAt ?? 'never']]);
        return;
      }
      // The session is checked with the service (it may have ended); its user is what login stored.
      const list = await answerOf(client.GET('/api/auth/tokens', { params: { query: { limit: 1 } } }));
      const session = (await context.sessions.get(context.url))!;
      const me = { url: context.url, username: session.username, role: list.role, via: 'session', expiresAt: session.expiresAt };
      if (context.output.json) printJson(me);
      else printFields([['service', me.url], ['username', me.username], ['role', me.role], ['via', `session until ${me.expiresAt}`]]);
    });
}
