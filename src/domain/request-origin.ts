/** Where a request came from, as usage tracking and audit events record it. */
export interface RequestOrigin {
  /** The client address as the HTTP adapter resolved it (TRUST_PROXY honoured), IPv4-mapped IPv6 as IPv4; null when unknown. */
  ip: string | null;
  /** The User-Agent header, at most 200 characters; null when not sent. */
  userAgent: string | null;
}

/** A request of the host application's own code, or one whose origin is not known. */
export const UNKNOWN_ORIGIN: RequestOrigin = { ip: null, userAgent: null };
