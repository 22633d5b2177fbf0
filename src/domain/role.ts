/** Roles read from the FalkorDB server's ACL at login. */
export const ROLES = ['Admin', 'Read-Write', 'Read-Only'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
