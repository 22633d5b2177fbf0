import { PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../common/domain-errors';
import { TOKEN_ID_PATTERN } from '../domain/token-id';

/**
 * Checks the `tokenId` path parameter with one regular expression: on the hot path of every
 * token route, where a class-validator DTO would build and validate an object per request.
 */
export class TokenIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !TOKEN_ID_PATTERN.test(value)) {
      throw ValidationFailedError.forField('tokenId', 'tokenId must look like 1761055513181-215c579b');
    }
    return value;
  }
}
