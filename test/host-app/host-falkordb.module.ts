import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FalkorDB } from 'falkordb';
import { HostSettings } from './host-config';

/** The host's own FalkorDB client, which it also hands to our FalkorDbModule. */
export const HOST_FALKORDB = Symbol('HOST_FALKORDB');

@Injectable()
class HostFalkorDbCloser implements OnApplicationShutdown {
  constructor(@Inject(HOST_FALKORDB) private readonly client: FalkorDB) {}

  /** The host owns the client: it closes it, our FalkorDbModule never does. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

@Module({
  providers: [
    {
      provide: HOST_FALKORDB,
      inject: [ConfigService],
      useFactory: (config: ConfigService): Promise<FalkorDB> => {
        const { host, port } = config.getOrThrow<HostSettings['falkordb']>('falkordb');
        return FalkorDB.connect({ socket: { host, port } });
      },
    },
    HostFalkorDbCloser,
  ],
  exports: [HOST_FALKORDB],
})
export class HostFalkorDbModule {}
