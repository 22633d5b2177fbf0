import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FalkorDB } from 'falkordb';
import { HostAppModule, RegistrationStyle } from './host-app.module';
import { HostSettings } from './host-config';

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

export interface HostApp {
  app: INestApplication;
  /** The client the host connected itself for `forRoot` (it owns and closes it); undefined for async styles. */
  ownClient?: FalkorDB;
  close(): Promise<void>;
}

/**
 * The host's bootstrap (its main.ts): a plain Nest application on the chosen HTTP adapter. No
 * global filter, pipe or prefix: whatever our modules need they bring themselves.
 */
export async function createHostApp(style: RegistrationStyle, adapter: HttpAdapterName, settings: HostSettings): Promise<HostApp> {
  // Sync registration needs every option up front, the client included.
  const ownClient =
    style === 'forRoot' ? await FalkorDB.connect({ socket: { host: settings.falkordb.host, port: settings.falkordb.port } }) : undefined;
  try {
    const module = HostAppModule.register(style, settings, ownClient);
    const options = { logger: false as const, abortOnError: false };
    const app =
      adapter === 'express'
        ? await NestFactory.create(module, new ExpressAdapter(), options)
        : await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), options);
    await app.init();
    if (adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    return {
      app,
      ownClient,
      close: async () => {
        await app.close();
        await ownClient?.close();
      },
    };
  } catch (error) {
    await ownClient?.close();
    throw error;
  }
}
