import { createParamDecorator, ExecutionContext } from '@nestjs/common';

interface RequestWithAddress {
  ip?: string;
  socket?: { remoteAddress?: string };
}

/**
 * The caller's address as the HTTP adapter resolved it: the socket's peer, unless the host
 * application configured a trusted proxy (Express `trust proxy`, Fastify `trustProxy`). A client
 * cannot change it by sending X-Forwarded-For.
 */
export function clientAddressOf(request: RequestWithAddress): string {
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}

export const ClientAddress = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  clientAddressOf(context.switchToHttp().getRequest<RequestWithAddress>()),
);
