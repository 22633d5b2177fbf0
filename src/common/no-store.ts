/** Cache-Control of a response that carries a token or sets a session: no cache, proxy or browser keeps it. */
export const NO_STORE = 'no-store';
