import { Body, Controller, Header, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, UseFilters, UsePipes } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AttemptLimiter } from '../auth/attempt-limiter';
import { ClientAddress } from '../auth/client-address';
import { Authenticated } from '../auth/decorators/authenticated.decorator';
import { CurrentPrincipal } from '../auth/decorators/current-principal.decorator';
import { Principal } from '../domain/principal';
import { RequestOrigin } from '../domain/request-origin';
import { RequestOriginOf } from '../auth/request-origin';
import { NO_STORE } from '../common/no-store';
import { ProblemDetailsDto } from '../common/problem-details.dto';
import { ProblemDetailsFilter } from '../common/problem-details.filter';
import { createValidationPipe } from '../common/validation.pipe';
import { CreateTokenWithCredentialsDto } from './dto/create-token-with-credentials.dto';
import { CreateTokenDto } from './dto/create-token.dto';
import { CreatedTokenDto } from './dto/created-token.dto';
import { ListTokensQuery } from './dto/list-tokens.query';
import { BulkRevokeQuery, RevokedAllDto } from './dto/bulk-revoke.query';
import { LeakReportAcceptedDto, RevokeLeakedDto } from './dto/revoke-leaked.dto';
import { RotateTokenDto } from './dto/rotate-token.dto';
import { TOKEN_ID_PARAM } from './dto/token-id';
import { TokenIdPipe } from './token-id.pipe';
import { RevokedTokenDto, TokenEnvelopeDto, TokenListDto } from './dto/token-metadata.dto';
import { TokensService } from './tokens.service';

const BAD_REQUEST = { type: ProblemDetailsDto, description: 'A field is missing or invalid (each bad field is named)' };
const NOT_FOUND = { type: ProblemDetailsDto, description: 'No such token, or not one the caller may see' };
/**
 * Request examples (Swagger UI's "Try it out" sends the chosen one; the first by key is the default).
 * No fixed-date example: any fixed date eventually falls outside the allowed lifetime.
 */
const SPEC_EXAMPLES = {
  byTtlSeconds: { summary: 'Expires in 30 days', value: { name: 'CI/CD Pipeline Token', ttlSeconds: 2592000 } },
  neverExpires: { summary: 'Never expires', value: { name: 'Long-running integration' } },
  readOnlyForSomeGraphs: {
    summary: 'Read-only, two graphs, from one network',
    value: { name: 'Reporting job', ttlSeconds: 604800, permissions: { access: 'read', graphs: ['social', 'sales_*'] }, allowedIps: ['127.0.0.0/8', '::1'] },
  },
};
const SPEC_EXAMPLES_EXPIRY = { thirtyDays: { summary: 'Expires in 30 days', value: { ttlSeconds: 2592000 } } };
const ROTATE_EXAMPLES = { sameLifetime: { summary: "The old token's lifetime", value: {} }, ...SPEC_EXAMPLES_EXPIRY };
const SERVER_CREDENTIALS = { username: 'default', password: '', host: 'localhost', port: 6379, tls: false };
const CREDENTIAL_EXAMPLES = Object.fromEntries(
  Object.entries(SPEC_EXAMPLES).map(([key, example]) => [key, { ...example, value: { ...SERVER_CREDENTIALS, ...example.value } }]),
);

const CONFLICT = { type: ProblemDetailsDto, description: 'The user already holds the maximum number of active tokens' };

@ApiTags('Tokens')
@Controller('tokens')
@UseFilters(ProblemDetailsFilter)
@UsePipes(createValidationPipe())
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly limiter: AttemptLimiter,
  ) {}

  @Post('credentials')
  @Header('Cache-Control', NO_STORE)
  @ApiOperation({
    operationId: 'createTokenWithCredentials',
    summary: 'Generate a token with FalkorDB credentials',
    description:
      'For API and CLI users: authenticates with FalkorDB as the given user and returns a new token. ' +
      'The token is shown only once.',
  })
  @ApiBody({ type: CreateTokenWithCredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiUnauthorizedResponse({ type: ProblemDetailsDto, description: 'Invalid username or password' })
  @ApiConflictResponse(CONFLICT)
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'The FalkorDB user may not run graph queries at all' })
  @ApiTooManyRequestsResponse({ type: ProblemDetailsDto, description: 'Too many failed attempts' })
  @ApiServiceUnavailableResponse({ type: ProblemDetailsDto, description: 'FalkorDB cannot be reached' })
  createWithCredentials(@Body() body: CreateTokenWithCredentialsDto, @RequestOriginOf() origin: RequestOrigin): Promise<CreatedTokenDto> {
    return this.tokens.createWithCredentials(body, origin);
  }

  @Post()
  @Header('Cache-Control', NO_STORE)
  @Authenticated({ only: ['session'] })
  @ApiOperation({
    operationId: 'createToken',
    summary: 'Generate a token for the logged-in browser session',
    description: 'Needs a session cookie (POST /api/auth/login). A Personal Access Token cannot mint tokens.',
  })
  @ApiBody({ type: CreateTokenDto, examples: SPEC_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiConflictResponse(CONFLICT)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTokenDto, @RequestOriginOf() origin: RequestOrigin): Promise<CreatedTokenDto> {
    return this.tokens.createForPrincipal(principal, body, origin);
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    operationId: 'listTokens',
    summary: 'List tokens (active by default)',
    description: 'Admins see every token of their FalkorDB server; other users see only their own.',
  })
  @ApiOkResponse({ type: TokenListDto, description: 'Tokens in the caller\'s scope and the chosen state, newest first, and the caller\'s role' })
  @ApiBadRequestResponse(BAD_REQUEST)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListTokensQuery): Promise<TokenListDto> {
    return this.tokens.list(principal, query);
  }

  @Get('self')
  @Authenticated({ only: ['pat'] })
  @ApiOperation({ operationId: 'getSelfToken', summary: 'The presenting token itself', description: 'For scripts that hold a token and want to know what it is and when it expires.' })
  @ApiOkResponse({ type: TokenEnvelopeDto, description: "The presenting token's metadata" })
  async getSelf(@CurrentPrincipal() principal: Principal): Promise<TokenEnvelopeDto> {
    return { token: await this.tokens.get(principal, principal.credentialId) };
  }

  @Post('self/rotate')
  @Header('Cache-Control', NO_STORE)
  @Authenticated({ only: ['pat'] })
  @ApiOperation({
    operationId: 'rotateSelfToken',
    summary: 'Rotate the presenting token',
    description:
      'As POST /tokens/{tokenId}/rotate for the token presented (GitLab\'s self/rotate): a script rotates its own token without ' +
      'knowing its id. Every token may do this, read tokens included. Using the old token again afterwards is 401 and revokes every ' +
      'token rotated from it.',
  })
  @ApiBody({ type: RotateTokenDto, required: false, examples: ROTATE_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  rotateSelf(@CurrentPrincipal() principal: Principal, @Body() body: RotateTokenDto = {}, @RequestOriginOf() origin: RequestOrigin): Promise<CreatedTokenDto> {
    return this.tokens.rotate(principal, principal.credentialId, body, origin);
  }

  @Delete('self')
  @HttpCode(HttpStatus.OK)
  @Authenticated({ only: ['pat'] })
  @ApiOperation({ operationId: 'revokeSelfToken', summary: 'Revoke the presenting token', description: 'Every token may do this, read tokens included.' })
  @ApiOkResponse({ type: RevokedTokenDto, description: 'Revoked' })
  revokeSelf(@CurrentPrincipal() principal: Principal, @RequestOriginOf() origin: RequestOrigin): Promise<RevokedTokenDto> {
    return this.tokens.revoke(principal, principal.credentialId, origin);
  }

  @Delete()
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    operationId: 'revokeAllTokens',
    summary: "Revoke every active token of a user (default: the caller's own)",
    description: "`?username=` names another user of the caller's FalkorDB server, which needs Admin. Restricted tokens (read access, graphs or allowed IPs) may not do this.",
  })
  @ApiOkResponse({ type: RevokedAllDto, description: 'How many active tokens were revoked' })
  @ApiBadRequestResponse(BAD_REQUEST)
  revokeAll(@CurrentPrincipal() principal: Principal, @Query() query: BulkRevokeQuery, @RequestOriginOf() origin: RequestOrigin): Promise<RevokedAllDto> {
    return this.tokens.revokeAll(principal, query.username, origin);
  }

  @Post('revoke-leaked')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'revokeLeakedTokens',
    summary: 'Report tokens found exposed: genuine active ones are revoked',
    description:
      'No authentication: for secret scanners and anyone who found a token. The answer is 202 with the number received, ' +
      'whatever the tokens were (it tells nothing about them). Limited per client address.',
  })
  @ApiBody({ type: RevokeLeakedDto })
  @ApiAcceptedResponse({ type: LeakReportAcceptedDto, description: 'Received; any genuine active token among them is now revoked' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiTooManyRequestsResponse({ type: ProblemDetailsDto, description: 'Too many reports from this client address' })
  @ApiServiceUnavailableResponse({ type: ProblemDetailsDto, description: 'The token store (FalkorDB) cannot be reached' })
  async revokeLeaked(@Body() body: RevokeLeakedDto, @ClientAddress() client: string, @RequestOriginOf() origin: RequestOrigin): Promise<LeakReportAcceptedDto> {
    await this.limiter.acceptLeakReport(client);
    return this.tokens.revokeLeaked(body.tokens, origin);
  }

  @Post(':tokenId/rotate')
  @Header('Cache-Control', NO_STORE)
  @Authenticated()
  @ApiOperation({
    operationId: 'rotateToken',
    summary: 'Rotate a token: a new one replaces it (owner or admin; a token may rotate itself)',
    description:
      'The new token has the same name, owner, permissions and allowed IPs; the old one is revoked at once. Default lifetime: the old ' +
      "token's length, from now (or never). Using the old token again afterwards is 401 and revokes every token rotated from it. " +
      'Rotating another token needs a session or an unrestricted token (read-write, no graphs, no allowed IPs): 403 otherwise.',
  })
  @ApiBody({ type: RotateTokenDto, required: false, examples: ROTATE_EXAMPLES })
  @ApiCreatedResponse({ type: CreatedTokenDto, description: 'The new token, shown only this once' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'The token is no longer active (revoked or expired)' })
  @ApiParam(TOKEN_ID_PARAM)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('tokenId', TokenIdPipe) tokenId: string,
    @Body() body: RotateTokenDto = {},
    @RequestOriginOf() origin: RequestOrigin,
  ): Promise<CreatedTokenDto> {
    return this.tokens.rotate(principal, tokenId, body, origin);
  }

  @Get(':tokenId')
  @Authenticated()
  @ApiOperation({ operationId: 'getToken', summary: 'Get one token (owner or admin)' })
  @ApiOkResponse({ type: TokenEnvelopeDto, description: 'The token\'s metadata (never the token itself)' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiParam(TOKEN_ID_PARAM)
  async get(@CurrentPrincipal() principal: Principal, @Param('tokenId', TokenIdPipe) tokenId: string): Promise<TokenEnvelopeDto> {
    return { token: await this.tokens.get(principal, tokenId) };
  }

  @Delete(':tokenId')
  @HttpCode(HttpStatus.OK)
  @Authenticated()
  @ApiOperation({
    operationId: 'revokeToken',
    summary: 'Revoke a token (owner or admin)',
    description:
      'Takes effect on the next request, on every instance. Revoking a revoked token succeeds again. Revoking another token needs a ' +
      'session or an unrestricted token (read-write, no graphs, no allowed IPs): 403 otherwise.',
  })
  @ApiOkResponse({ type: RevokedTokenDto, description: 'Revoked (also when it already was)' })
  @ApiBadRequestResponse(BAD_REQUEST)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiParam(TOKEN_ID_PARAM)
  revoke(@CurrentPrincipal() principal: Principal, @Param('tokenId', TokenIdPipe) tokenId: string, @RequestOriginOf() origin: RequestOrigin): Promise<RevokedTokenDto> {
    return this.tokens.revoke(principal, tokenId, origin);
  }
}
