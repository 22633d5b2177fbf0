import { Logger } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { ConnectTarget } from './connect-client';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { moveEarlierStore, startEmbeddedTokenStore } from './embedded-token-store';
import { FalkorDbModuleOptions } from './falkordb.options';
import { ServerAddress, serverAddressOfUrl } from './server-address';

/** The token store on a server apart from the users' one, and its own client. */
export interface SeparateTokenStore {
  client: FalkorDB;
  address: ServerAddress;
  /** The store's own embedded server (`tokenStoreEmbedded`), stopped with the connection. */
  embedded?: EmbeddedFalkorDb;
}

interface Opening {
  /** The users' embedded server, whose earlier store graph moves to the store's own server. */
  usersServer: EmbeddedFalkorDb | undefined;
  tokenGraph: string;
  logger: Logger;
  connect: (target: ConnectTarget, where: string) => Promise<FalkorDB>;
}

/**
 * Opens the token store where the options put it apart from the users' server: its own embedded
 * server (`tokenStoreEmbedded`) or a FalkorDB of its own (`tokenStoreUrl`). Undefined when the
 * store lives on the users' server. What was started is stopped again when opening fails.
 */
export async function openSeparateTokenStore(options: FalkorDbModuleOptions, opening: Opening): Promise<SeparateTokenStore | undefined> {
  const { tokenStoreUrl, tokenStoreEmbedded } = options;
  const { logger, connect } = opening;
  if (tokenStoreEmbedded) {
    const store = await startEmbeddedTokenStore(tokenStoreEmbedded, logger);
    try {
      const client = await connect(store.target, store.socket);
      logger.log(`Token store on its own embedded FalkorDB at unix socket ${store.socket} (password known only to this service; no TCP port)`);
      // No TCP address: no allow-list entry, login or server identity can ever name this server.
      const separate: SeparateTokenStore = { client, address: { host: store.socket, port: 0, tls: false }, embedded: store.server };
      if (opening.usersServer) await moveEarlierStoreTo(separate, opening);
      return separate;
    } catch (error) {
      await store.server.stop();
      throw error;
    }
  }
  if (tokenStoreUrl) {
    const address = serverAddressOfUrl(tokenStoreUrl);
    const client = await connect({ url: tokenStoreUrl }, new URL(tokenStoreUrl).host);
    logger.log(`Token store on its own FalkorDB at ${address.host}:${address.port}`);
    return { client, address };
  }
  return undefined;
}

async function moveEarlierStoreTo(store: SeparateTokenStore, opening: Opening): Promise<void> {
  const usersPort = (opening.usersServer as EmbeddedFalkorDb).port;
  const connectUsers = () => opening.connect({ socket: { host: '127.0.0.1', port: usersPort } }, `127.0.0.1:${usersPort}`);
  try {
    await moveEarlierStore(connectUsers, usersPort, store.client, opening.tokenGraph, opening.logger);
  } catch (error) {
    await store.client.close().catch(() => undefined);
    throw error;
  }
}
