/**
 * What startup does when FalkorDB users other than admins can write the token store: `refuse` to
 * start, `warn` and go on, or `accept` (the operator knows and has chosen to: one line says so).
 */
export type TokenStoreExposurePolicy = 'refuse' | 'warn' | 'accept';

export const TOKEN_STORE_EXPOSURE_POLICIES: readonly TokenStoreExposurePolicy[] = ['refuse', 'warn', 'accept'];
export const DEFAULT_TOKEN_STORE_EXPOSURE: TokenStoreExposurePolicy = 'warn';
