import { Injectable } from '@nestjs/common';
import { FalkorDbLoginService } from './falkordb-login.service';
import { Principal } from '../domain/principal';
import { NoGraphCommandsError } from './role-detector';
import { Role } from '../domain/role';
import { SharedAdminConfirmations } from './shared-state/shared-admin-confirmations';

/** How long a confirmed role is trusted: a demoted admin keeps admin reach for at most this long. */
export const ADMIN_RECHECK_INTERVAL_MS = 30_000;
/** Confirmations remembered at once; past this the oldest is forgotten (and simply re-checked). */
const MAX_REMEMBERED = 10_000;

interface Timing {
  checkedAt: number;
  /** Moved earlier when the role comes from another instance's confirmation, which has less time left. */
  trustedUntil: number;
}

interface Confirmation extends Timing {
  role: Promise<Role>;
}

/**
 * A credential records the role its user had when it was created. Admin is the one role that
 * widens what this service shows and lets one revoke (every token of the server), so a recorded
 * Admin is read again from the server's ACL, at most once per interval per credential, and the
 * caller acts with whatever role the ACL gives now. Other roles widen nothing and are taken as
 * recorded (FalkorDB itself still checks every graph command against the user's current ACL).
 * Confirmations are remembered here and shared with the other instances (SharedAdminConfirmations):
 * an instance without one of its own takes a shared one for the time it has left, so the interval
 * holds for the whole deployment, not per instance.
 */
@Injectable()
export class AdminRoleRecheck {
  // A Map iterates in insertion order: the first entry is the oldest confirmation.
  private readonly confirmations = new Map<string, Confirmation>();

  constructor(
    private readonly login: FalkorDbLoginService,
    private readonly shared: SharedAdminConfirmations,
  ) {}

  /** The role the caller acts with now. Concurrent requests of one credential share one check. */
  currentRole(principal: Principal): Promise<Role> {
    if (principal.role !== 'Admin') return Promise.resolve(principal.role);
    const now = Date.now();
    const known = this.confirmations.get(principal.credentialId);
    // A clock that stepped back also forces a fresh check.
    if (known && now >= known.checkedAt && now < known.trustedUntil) return known.role;

    const timing: Timing = { checkedAt: now, trustedUntil: now + ADMIN_RECHECK_INTERVAL_MS };
    const confirmation: Confirmation = Object.assign(timing, { role: this.confirm(principal, timing) });
    this.confirmations.delete(principal.credentialId);
    this.confirmations.set(principal.credentialId, confirmation);
    if (this.confirmations.size > MAX_REMEMBERED) this.confirmations.delete(this.confirmations.keys().next().value as string);
    // A failed check (FalkorDB down, password refused) is not remembered: the next request tries again.
    confirmation.role.catch(() => {
      if (this.confirmations.get(principal.credentialId) === confirmation) this.confirmations.delete(principal.credentialId);
    });
    return confirmation.role;
  }

  /** Another instance's confirmation while it lasts, else the ACL (then shared for the interval). */
  private async confirm(principal: Principal, timing: Timing): Promise<Role> {
    const sharedConfirmation = await this.shared.read(principal.credentialId, timing.checkedAt);
    if (sharedConfirmation) {
      timing.trustedUntil = Math.min(timing.trustedUntil, sharedConfirmation.trustedUntil);
      return sharedConfirmation.role;
    }
    const role = await this.readRole(principal);
    await this.shared.write(principal.credentialId, role, timing.trustedUntil, Date.now());
    return role;
  }

  private async readRole(principal: Principal): Promise<Role> {
    try {
      return (await this.login.reverify(principal)).user.role;
    } catch (error) {
      // The ACL leaves the user no graph command at all: certainly no admin; the narrowest role.
      // Any other refusal (the server no longer allowed, say) says nothing about the role: it fails
      // this request and is neither remembered nor shared.
      if (error instanceof NoGraphCommandsError) return 'Read-Only';
      throw error;
    }
  }
}
