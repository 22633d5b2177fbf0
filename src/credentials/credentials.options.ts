import type { TokenStoreExposurePolicy } from './token-store-exposure-policy';

export interface CredentialsModuleOptions {
  /** 64 hex characters: the AES-256-GCM key the stored passwords are sealed with. */
  encryptionKey: string;
  /** Live sessions one user may hold; a new login ends the oldest beyond it. */
  maxSessionsPerUser: number;
  /** Ended (expired or revoked) tokens and sessions are deleted this many days after they ended. */
  retentionDays: number;
  /** Audit events are deleted this many days after they happened. */
  auditRetentionDays: number;
  /** How often the purge runs. */
  purgeIntervalMs: number;
  /** What startup does when users other than admins can write the store (TokenStoreExposure). */
  exposurePolicy: TokenStoreExposurePolicy;
  /** How long after a rotation the rotated-away token is refused without revoking its successors (0 = never). */
  rotationReuseGraceMs: number;
  /** Days before expiry at which `token.expiring` events are recorded ([] = none). */
  expiryNoticeDays: readonly number[];
  /** Active tokens unused this many days are revoked as `unused` (null = never). */
  revokeUnusedAfterDays: number | null;
  /** How often the lifecycle scan (expiry notices, unused tokens) runs. */
  lifecycleScanIntervalMs: number;
}
