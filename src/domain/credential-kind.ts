/** How a caller authenticates: a Personal Access Token (Bearer) or a browser session (cookie). */
export type CredentialKind = 'pat' | 'session';

/** Which stored credential: a token id or a session id, and its kind. */
export interface CredentialRef {
  kind: CredentialKind;
  id: string;
}
