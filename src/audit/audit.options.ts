/** What the audit log needs from its host. */
export interface AuditModuleOptions {
  /** 64 hex characters: the listing's page cursors are signed with a key derived from it. */
  encryptionKey: string;
}
