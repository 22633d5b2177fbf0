/** How a caller authenticates: a Personal Access Token (Bearer) or a browser session (cookie). */
export type CredentialKind = 'pat' | 'session';
