import { AuditEventType } from './audit-event';

/** What the audit log needs from its host. */
export interface AuditModuleOptions {
  /** 64 hex characters: the listing's page cursors are signed with a key derived from it. */
  encryptionKey: string;
  /** Event types written into the delivery outbox (the event webhook's choice). Default: none. */
  deliveredEventTypes?: readonly AuditEventType[];
}
