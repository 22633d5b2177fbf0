import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../common/domain-errors';
import { FalkorDbLoginService } from './falkordb-login.service';
import { Principal } from './principal';
import { Role } from './role';

/** How long a confirmed role is trusted: a demoted admin keeps admin reach for at most this long. */
export const ADMIN_RECHECK_INTERVAL_MS = 30_000;
/** Confirmations remembered at once; past this the oldest is forgotten (and simply re-checked). */
const MAX_REMEMBERED = 10_000;

interface Confirmation {
  role: Promise<Role>;
  checkedAt: number;
}

/**
 * A credential records the role its user had when it was created. Admin is the one role that
 * widens what this service shows and lets one revoke (every token of the server), so a recorded
 * Admin is read again from the server's ACL, at most once per interval per credential, and the
 * caller acts with whatever role the ACL gives now. Other roles widen nothing and are taken as
 * recorded (FalkorDB itself still checks every graph command against the user's current ACL).
 */
@Injectable()
export class AdminRoleRecheck {
  // A Map iterates in insertion order: the first entry is the oldest confirmation.
  private readonly confirmations = new Map<string, Confirmation>();

  constructor(private readonly login: FalkorDbLoginService) {}

  /** The role the caller acts with now. Concurrent requests of one credential share one check. */
  currentRole(principal: Principal): Promise<Role> {
    if (principal.role !== 'Admin') return Promise.resolve(principal.role);
    const now = Date.now();
    const known = this.confirmations.get(principal.credentialId);
    // A clock that stepped back also forces a fresh check.
    if (known && now >= known.checkedAt && now - known.checkedAt < ADMIN_RECHECK_INTERVAL_MS) return known.role;

    const confirmation: Confirmation = { role: this.readRole(principal), checkedAt: now };
    this.confirmations.delete(principal.credentialId);
    this.confirmations.set(principal.credentialId, confirmation);
    if (this.confirmations.size > MAX_REMEMBERED) this.confirmations.delete(this.confirmations.keys().next().value as string);
    // A failed check (FalkorDB down, password refused) is not remembered: the next request tries again.
    confirmation.role.catch(() => {
      if (this.confirmations.get(principal.credentialId) === confirmation) this.confirmations.delete(principal.credentialId);
    });
    return confirmation.role;
  }

  private async readRole(principal: Principal): Promise<Role> {
    try {
      return (await this.login.reverify(principal)).user.role;
    } catch (error) {
      // The ACL leaves the user no graph command at all: certainly no admin; the narrowest role.
      if (error instanceof ForbiddenError) return 'Read-Only';
      throw error;
    }
  }
}
