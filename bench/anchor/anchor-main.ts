/**
 * The anchor the bench compares the service with (issue 24): a bare Nest app on Fastify, on the
 * same Nest line as the service, with no auth, no validation, no logging, no global pipeline.
 * `GET /live` answers at once; `POST /query` sends FalkorDB exactly the command the Graph API route
 * sends for the bench's read (GRAPH.RO_QUERY with `--compact` and the default TIMEOUT, replies read
 * the same way) on one FalkorDB connection. Run by bench/anchor-process.ts in a process of its own.
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Inject, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createClient } from '@redis/client';
import { queryArgs, REPLY_TYPE_MAPPING } from '../../src/graph-api/graph-commands';
import { DEFAULT_QUERY_TIMEOUT_MS } from '../../src/graph-api/graph-api.options';

/** One plain FalkorDB connection. */
interface Connection {
  sendCommand(args: string[]): Promise<unknown>;
}

/** What the service's Graph API sends for a read-only query with no `timeoutMs` of its own. */
const queryCommand = (settings: AnchorSettings): string[] => queryArgs('GRAPH.RO_QUERY', settings.graph, settings.query, DEFAULT_QUERY_TIMEOUT_MS);

const GRAPH_CONNECTION = Symbol('GRAPH_CONNECTION');

interface AnchorSettings {
  port: number;
  falkordbUrl: string;
  graph: string;
  query: string;
}

function settingsFromEnvironment(env: NodeJS.ProcessEnv): AnchorSettings {
  const { ANCHOR_PORT, FALKORDB_URL, ANCHOR_GRAPH, ANCHOR_QUERY } = env;
  if (!ANCHOR_PORT || !FALKORDB_URL || !ANCHOR_GRAPH || !ANCHOR_QUERY) throw new Error('ANCHOR_PORT, FALKORDB_URL, ANCHOR_GRAPH and ANCHOR_QUERY are required');
  return { port: Number(ANCHOR_PORT), falkordbUrl: FALKORDB_URL, graph: ANCHOR_GRAPH, query: ANCHOR_QUERY };
}

const settings = settingsFromEnvironment(process.env);
const command = queryCommand(settings);

@Controller()
class AnchorController {
  constructor(@Inject(GRAPH_CONNECTION) private readonly connection: Connection) {}

  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Post('query')
  @HttpCode(200)
  async query(): Promise<{ reply: unknown }> {
    return { reply: await this.connection.sendCommand(command) };
  }
}

@Module({
  controllers: [AnchorController],
  providers: [
    {
      provide: GRAPH_CONNECTION,
      useFactory: async (): Promise<Connection> => {
        const connection = createClient({ url: settings.falkordbUrl });
        await connection.connect();
        return { sendCommand: (args) => connection.sendCommand(args, REPLY_TYPE_MAPPING) };
      },
    },
  ],
})
class AnchorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AnchorModule, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen(settings.port, '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
