import { Command } from 'commander';
import { CliContext } from './cli-context';
import { UsageError } from './cli-errors';
import { printJson, printTable } from './output';
import { answerOf } from './service-api';

type Context = (command: Command) => CliContext;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `k=v` pairs: a value that is JSON (a number, true, a list...) is taken as such, anything else as text. */
export function paramsOf(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--param takes name=value (got "${pair}")`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: the text itself.
    }
    params[pair.slice(0, at)] = value;
  }
  return params;
}

const cellOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function graphCommands(program: Command, contextOf: Context): void {
  program
    .command('query')
    .description('Run Cypher on a graph as your own FalkorDB user (parameters, never string splicing)')
    .argument('<graph>', 'graph name')
    .argument('<cypher>', 'the query, e.g. "MATCH (p:Person {name: $name}) RETURN p.age"')
    .option('--param <name=value>', 'a query parameter (JSON values: 42, true, ["a"]); repeat for more', collect, [])
    .option('--read-only', 'run it read-only (GRAPH.RO_QUERY)')
    .option('--timeout <ms>', 'time limit in milliseconds')
    .action(async (graph: string, cypher: string, options: { param: string[]; readOnly?: boolean; timeout?: string }, command: Command) => {
      const context = contextOf(command);
      const body = {
        query: cypher,
        params: paramsOf(options.param),
        ...(options.readOnly ? { readOnly: true } : {}),
        ...(options.timeout === undefined ? {} : { timeoutMs: Number(options.timeout) }),
      };
      const result = await answerOf((await context.client()).POST('/api/graph/{graph}/query', { params: { path: { graph } }, body }));
      if (context.output.json) {
        printJson(result);
        return;
      }
      const columns = result.columns;
      const rows = (result.rows as unknown[][]).map((row) => Object.fromEntries(columns.map((column, index) => [column, cellOf(row[index])])));
      printTable(rows, columns, 'No rows');
      if (result.truncated) process.stdout.write('(truncated: the service returns at most GRAPH_MAX_ROWS rows)\n');
    });

  program
    .command('audit')
    .description('What happened to your tokens and sessions (an admin: the server\'s), newest first')
    .option('--token-id <id>', 'events about this token')
    .option('--username <name>', 'events about this user (admins)')
    .option('--type <type>', 'one event type, e.g. token.revoked')
    .option('--since <iso>', 'from')
    .option('--until <iso>', 'to')
    .option('--limit <n>', 'page size (1-200)')
    .option('--cursor <cursor>', 'the next page, as the previous one said')
    .action(async (options: Record<string, string | undefined>, command: Command) => {
      const context = contextOf(command);
      const query = {
        token_id: options.tokenId,
        username: options.username,
        type: options.type as 'token.revoked' | undefined,
        since: options.since,
        until: options.until,
        limit: options.limit === undefined ? undefined : Number(options.limit),
        cursor: options.cursor,
      };
      const page = await answerOf((await context.client()).GET('/api/auth/audit', { params: { query } }));
      if (context.output.json) {
        printJson(page);
        return;
      }
      const rows = (page.events as Array<{ at: string; type: string; actor: { username: string | null }; subject: { username: string | null; token_id: string | null }; ip: string | null }>).map(
        (event) => ({ at: event.at, type: event.type, actor: event.actor.username ?? '-', subject: event.subject.token_id ?? event.subject.username ?? '-', ip: event.ip ?? '-' }),
      );
      printTable(rows, ['at', 'type', 'actor', 'subject', 'ip'], 'No events');
      if (page.next_cursor) process.stdout.write(`More: --cursor ${page.next_cursor}\n`);
    });
}
