import { Body, Controller, Header, Headers, HttpCode, HttpStatus, Post, Res, UseFilters, UsePipes } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ForbiddenError } from '../common/domain-errors';
import { isoSeconds } from '../common/iso-time';
import { NO_STORE } from '../common/no-store';
import { ProblemDetailsDto } from '../common/problem-details.dto';
import { ProblemDetailsFilter } from '../common/problem-details.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { AuthSettings } from './auth-settings';
import { Authenticated } from './decorators/authenticated.decorator';
import { CurrentPrincipal } from './decorators/current-principal.decorator';
import { LoginResponseDto } from './dto/login-response.dto';
import { LoginDto } from './dto/login.dto';
import { FalkorDbLoginService } from './falkordb-login.service';
import { isTrustedOrigin, originHeaderOf } from './csrf-origin';
import { Principal } from '../domain/principal';
import { RequestOrigin } from '../domain/request-origin';
import { RequestOriginOf } from './request-origin';
import { SessionService } from './session.service';

/** Browser-style sessions: log in with FalkorDB credentials, get an httpOnly cookie. */
@ApiTags('Auth')
@Controller()
@UseFilters(ProblemDetailsFilter)
@UsePipes(createValidationPipe())
export class AuthController {
  constructor(
    private readonly login: FalkorDbLoginService,
    private readonly sessions: SessionService,
    private readonly adapterHost: HttpAdapterHost,
    private readonly settings: AuthSettings,
  ) {}

  @Post('login')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'login',
    summary: 'Log in with FalkorDB credentials and start a browser session',
    description: 'Connects to FalkorDB as the user; on success sets an httpOnly, SameSite=Strict session cookie.',
  })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({
    type: LoginResponseDto,
    description: 'Session started; the cookie is in Set-Cookie',
    headers: { 'Set-Cookie': { description: 'The httpOnly, SameSite=Strict session cookie', schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Invalid body, or a server that is not allowed' })
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto, description: 'Invalid username or password' })
  @ApiTooManyRequestsResponse({ type: ProblemDetailsDto, description: 'Too many failed attempts' })
  @ApiServiceUnavailableResponse({ type: ProblemDetailsDto, description: 'FalkorDB cannot be reached' })
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'Cross-site login attempt (Origin of another site)' })
  async logIn(
    @Body() body: LoginDto,
    @RequestOriginOf() client: RequestOrigin,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<LoginResponseDto> {
    // Login CSRF: a browser on another site must not plant its session here. Clients without an
    // Origin (curl, scripts) are not browsers and pass.
    const origin = originHeaderOf(headers);
    if (origin && !isTrustedOrigin(origin, headers, this.settings.trustedOrigins)) {
      throw new ForbiddenError('Cross-site login refused: Origin does not match this service');
    }
    const user = await this.login.login(body, client.ip ?? 'unknown', client.userAgent);
    const session = await this.sessions.open(user, body.password, client);
    this.adapterHost.httpAdapter.setHeader(response, 'Set-Cookie', this.sessions.cookieFor(session));
    return { username: user.username, role: user.role, expiresAt: isoSeconds(session.expiresAt) };
  }

  @Post('logout')
  @Header('Cache-Control', NO_STORE)
  @HttpCode(HttpStatus.NO_CONTENT)
  @Authenticated({ only: ['session'] })
  @ApiOperation({ operationId: 'logout', summary: 'End the current browser session (revoked server-side)' })
  @ApiNoContentResponse({ description: 'Session revoked and cookie cleared' })
  async logOut(@CurrentPrincipal() principal: Principal, @RequestOriginOf() client: RequestOrigin, @Res({ passthrough: true }) response: unknown): Promise<void> {
    await this.sessions.close(principal.credentialId, principal.username, client);
    this.adapterHost.httpAdapter.setHeader(response, 'Set-Cookie', this.sessions.clearingCookie());
  }
}
