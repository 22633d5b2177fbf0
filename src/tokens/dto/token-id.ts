import { TOKEN_ID_PATTERN } from '../../domain/token-id';

/** The `tokenId` path parameter, for `@ApiParam` where TokenIdPipe checks it. */
export const TOKEN_ID_PARAM = {
  name: 'tokenId',
  description: 'The token id (`<epoch ms>-<8 hex>`)',
  schema: { type: 'string', pattern: TOKEN_ID_PATTERN.source, example: '1761055513181-215c579b' },
} as const;
