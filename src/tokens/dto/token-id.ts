export const TOKEN_ID_PATTERN = /^[0-9]{13}-[0-9a-f]{8}$/;

/** The `tokenId` path parameter, for `@ApiParam` where TokenIdPipe checks it. */
export const TOKEN_ID_PARAM = {
  name: 'tokenId',
  description: 'The token id (`<epoch ms>-<8 hex>`)',
  schema: { type: 'string', pattern: TOKEN_ID_PATTERN.source, example: '1761055513181-215c579b' },
} as const;
