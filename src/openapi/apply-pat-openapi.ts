import type { OpenAPIObject, OperationObject, PathItemObject, ResponseObject } from '@nestjs/swagger';
import { DEFAULT_SESSION_COOKIE } from '../auth/auth.options';
import { BEARER_SCHEME, SESSION_SCHEME } from '../auth/decorators/authenticated.decorator';
import { PROBLEM_CONTENT_TYPE } from '../common/problem-details';

/** The tags our controllers use, with their descriptions. */
export const PAT_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'Auth', description: 'Browser-style sessions: log in with FalkorDB credentials, log out' },
  { name: 'Tokens', description: 'Generate, list, get and revoke Personal Access Tokens' },
  { name: 'Audit', description: 'What happened to tokens and sessions: creations, rotations, revocations, new addresses, logins, failed authentications' },
  { name: 'Graph', description: "Run FalkorDB work as the credential's own FalkorDB user" },
];

export interface ApplyPatOpenApiOptions {
  /** The session cookie's name, if the host changed it (AuthModule `sessionCookieName`). */
  sessionCookieName?: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const OUR_TAGS = new Set(PAT_TAGS.map((tag) => tag.name));

/** Our operations (tagged with one of our tags): the host's own are left exactly as they are. */
function ourOperations(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths ?? {})
    .flatMap((item: PathItemObject) => HTTP_METHODS.map((method) => item[method]))
    .filter((operation): operation is OperationObject => Boolean(operation?.tags?.some((tag) => OUR_TAGS.has(tag))));
}

type ResponseHeaders = NonNullable<ResponseObject['headers']>;

const ERROR_HEADERS: Record<string, ResponseHeaders> = {
  '401': {
    'WWW-Authenticate': {
      description: 'RFC 6750 challenge: `Bearer realm="falkordb"`, with `error="invalid_token"` when a token was sent but refused',
      schema: { type: 'string' },
    },
  },
  '429': { 'Retry-After': { description: 'Seconds until another attempt may succeed', schema: { type: 'integer' } } },
  '503': { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

/**
 * Completes an OpenAPI document that contains our routes (the service's own, or a host's built
 * with `SwaggerModule.createDocument`): the `bearer` and `session` security schemes our operations
 * refer to, our tags, an explicit empty `security` on our operations that take no credential,
 * `application/problem+json` for our error responses, and the headers sent with 401, 429 and 503.
 * Returns the same (mutated) document.
 */
export function applyPatOpenApi(document: OpenAPIObject, options: ApplyPatOpenApiOptions = {}): OpenAPIObject {
  document.components ??= {};
  document.components.securitySchemes = {
    ...document.components.securitySchemes,
    [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Personal Access Token' },
    [SESSION_SCHEME]: {
      type: 'apiKey',
      in: 'cookie',
      name: options.sessionCookieName ?? DEFAULT_SESSION_COOKIE,
      description: 'Browser session (POST /api/auth/login)',
    },
  };
  const known = new Set((document.tags ?? []).map((tag) => tag.name));
  document.tags = [...(document.tags ?? []), ...PAT_TAGS.filter((tag) => !known.has(tag.name))];
  for (const operation of ourOperations(document)) {
    // Login and minting with credentials take no credential: say so, as linters and SDK generators expect.
    operation.security ??= [];
    for (const [status, response] of Object.entries(operation.responses)) {
      const content = (response as ResponseObject).content;
      if (Number(status) >= 400 && content?.['application/json']) {
        content[PROBLEM_CONTENT_TYPE] = content['application/json'];
        delete content['application/json'];
      }
      const headers = ERROR_HEADERS[status];
      if (headers) (response as ResponseObject).headers = { ...(response as ResponseObject).headers, ...headers };
    }
  }
  return document;
}
