import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ProblemDetailsDto } from '../../common/problem-details.dto';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { RolesGuard } from '../guards/roles.guard';
import { CredentialKind } from '../../domain/principal';
import { CREDENTIAL_KINDS_KEY } from '../metadata-keys';

export const BEARER_SCHEME = 'bearer';
export const SESSION_SCHEME = 'session';

export interface AuthenticatedOptions {
  /** Credential kinds the route accepts. Default: a PAT or a session. */
  only?: CredentialKind[];
}

/**
 * One decorator for both the security rule and its OpenAPI description: guards (authentication,
 * then `@Roles()`), the accepted security schemes, and the 401/403/429/503 problem responses. It
 * imposes no exception filter on the host's routes: the guards' errors are HttpExceptions.
 */
export function Authenticated(options: AuthenticatedOptions = {}) {
  const kinds = options.only ?? ['pat', 'session'];
  return applyDecorators(
    SetMetadata(CREDENTIAL_KINDS_KEY, kinds),
    UseGuards(JwtAuthGuard, RolesGuard),
    ...(kinds.includes('pat') ? [ApiBearerAuth(BEARER_SCHEME)] : []),
    ...(kinds.includes('session') ? [ApiCookieAuth(SESSION_SCHEME)] : []),
    ApiUnauthorizedResponse({ description: 'No credential, or an invalid, expired or revoked one', type: ProblemDetailsDto }),
    ApiForbiddenResponse({ description: 'Authenticated, but not allowed to do this', type: ProblemDetailsDto }),
    ApiTooManyRequestsResponse({
      description: 'Too many failed attempts with this credential (or without one from this client), or, on the Graph API, too many queries in flight',
      type: ProblemDetailsDto,
    }),
    ApiServiceUnavailableResponse({ description: 'FalkorDB cannot be reached (fails closed)', type: ProblemDetailsDto }),
  );
}
