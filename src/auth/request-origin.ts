import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { canonicalIpRange } from '../credentials/allowed-ips';
import { userAgentOf } from '../credentials/usage-tracking';
import { clientAddressOf } from './client-address';

/** Where a request came from, as usage tracking and audit events record it. */
export interface RequestOrigin {
  /** The client address as the HTTP adapter resolved it (TRUST_PROXY honoured), IPv4-mapped IPv6 as IPv4; null when unknown. */
  ip: string | null;
  /** The User-Agent header, at most 200 characters; null when not sent. */
  userAgent: string | null;
}

/** A request of the host application's own code, or one whose origin is not known. */
export const UNKNOWN_ORIGIN: RequestOrigin = { ip: null, userAgent: null };

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
