import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DomainError } from './domain-errors';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from './problem-details';

const REALM = 'Bearer realm="falkordb"';

/** Every request body of this API is JSON; the usual cause is `curl -d` without a Content-Type. */
const UNSUPPORTED_BODY = 'The request body must be JSON, sent with the header Content-Type: application/json';

function titleFor(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function messageOfHttpException(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/**
 * Shapes every error response as RFC 9457 problem details (`application/problem+json`): domain
 * errors carry their body and headers already (they are HttpExceptions, right without this
 * filter too), other HTTP errors get a body from their status, anything else is an opaque 500
 * (logged, never echoed). Adapter-neutral.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<unknown>();
    const adapter = this.adapterHost.httpAdapter;

    const problem = this.toProblem(exception);
    const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE };
    if (exception instanceof DomainError) Object.assign(headers, exception.headers);
    else if (problem.status === 401) headers['WWW-Authenticate'] = REALM;
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    // Serialised here: given an object error body, Nest's Express adapter resets Content-Type to application/json.
    adapter.reply(response, JSON.stringify(problem), problem.status);
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainError) return exception.problem;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail = status === 415 ? UNSUPPORTED_BODY : messageOfHttpException(exception);
      return { type: 'about:blank', title: titleFor(status), status, detail, message: detail };
    }
    // Errors raised by the HTTP adapter itself (body too large, malformed JSON) carry a 4xx statusCode.
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const detail = exception instanceof Error ? exception.message : titleFor(statusCode);
      return { type: 'about:blank', title: titleFor(statusCode), status: statusCode, detail, message: detail };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const detail = 'An unexpected error occurred';
    return { type: 'about:blank', title: titleFor(500), status: 500, detail, message: detail };
  }
}
