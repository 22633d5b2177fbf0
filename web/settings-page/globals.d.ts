/**
 * The query parameters `GET /api/auth/tokens` takes according to openapi.json, put in by the build
 * (esbuild `define`): the page sends `name` and `limit` only to a server that has them (and `cursor`
 * only when the server gave a `next_cursor`).
 */
declare const __LIST_TOKENS_QUERY__: readonly string[];
