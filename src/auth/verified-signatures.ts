import { CredentialKind } from '../domain/principal';
import { IssuedClaims } from './jwt-claims';

/** Tokens remembered at once; past this the least recently used goes. */
const MAX_ENTRIES = 10_000;
/** How long a checked signature is remembered (the store check runs on every request regardless). */
const REMEMBER_MS = 5 * 60 * 1000;

interface Entry {
  claims: IssuedClaims;
  until: number;
}

/**
 * JWTs whose signature, algorithm, issuer and audience were verified, by their exact text. The
 * same text always verifies the same way (the keys are fixed for the process), so a token seen
 * again skips the HMAC and JSON parsing; its expiry is checked again on every use, and the
 * store check (revocation, hash, MAC) still runs on every request.
 */
export class VerifiedSignatures {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clockToleranceSeconds: number) {}

  /** The claims of a token verified before, if it has not expired (with the usual leeway). */
  claimsOf(kind: CredentialKind, token: string, now: number): IssuedClaims | undefined {
    const key = `${kind}:${token}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const expired = entry.claims.exp !== undefined && now >= (entry.claims.exp + this.clockToleranceSeconds) * 1000;
    if (expired || now >= entry.until) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.claims;
  }

  /** Remembers a token verified now; one already remembered keeps its first deadline (checked again every five minutes). */
  remember(kind: CredentialKind, token: string, claims: IssuedClaims, now: number): void {
    const key = `${kind}:${token}`;
    if (this.entries.has(key)) return;
    this.entries.set(key, { claims, until: now + REMEMBER_MS });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}
