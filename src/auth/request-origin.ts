import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { canonicalIpRange } from '../credentials/allowed-ips';
import { userAgentOf } from '../credentials/usage-tracking';
import { clientAddressOf } from './client-address';
import { RequestOrigin } from '../domain/request-origin';

interface RequestLike {
  ip?: string;
  socket?: { remoteAddress?: string };
  headers?: Record<string, string | string[] | undefined>;
}

export function requestOriginOf(request: RequestLike): RequestOrigin {
  return { ip: canonicalIpRange(clientAddressOf(request)) ?? null, userAgent: userAgentOf(request.headers?.['user-agent']) };
}

/** `@RequestOriginOf() origin: RequestOrigin` in a route handler. */
export const RequestOriginOf = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin =>
  requestOriginOf(context.switchToHttp().getRequest<RequestLike>()),
);
