import { Inject, Injectable } from '@nestjs/common';
import { KeyedMac } from '../../credentials/crypto/keyed-mac';
import { isRole, Role } from '../../domain/role';
import { AUTH_MODULE_OPTIONS } from '../auth.module-definition';
import { AuthModuleOptions } from '../auth.options';
import { SharedState } from './shared-state';
import { SharedStateAccess } from './shared-state-access';

/** A role some instance read from the ACL, and until when (this instance's clock) it may be trusted. */
export interface SharedConfirmation {
  role: Role;
  trustedUntil: number;
}

/**
 * Admin confirmations (AdminRoleRecheck) every instance shares through the SharedStateStorage
 * (by default the token store's FalkorDB): one ACL read per credential and interval for the whole deployment, and a demotion
 * found by one instance reaches the others as soon as their own memory of it runs out. The value
 * carries its deadline on the writer's clock (fake clocks in tests hold) and the key expires with
 * it on the server's, so a reader trusts it until the earlier of the two: clocks that differ
 * between instances never stretch the interval. In `instance` mode nothing is shared. Never throws:
 * without FalkorDB each instance confirms on its own.
 *
 * A confirmation grants Admin reach, and anyone who can write the storage can write
 * one: each carries a MAC (keyed by the deployment's encryption key) over its key, role and
 * deadline. One without a valid MAC counts as no confirmation at all: the ACL is read instead.
 */
@Injectable()
export class SharedAdminConfirmations {
  private readonly shared: SharedStateAccess;
  private readonly mac: KeyedMac;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, state: SharedState) {
    this.shared = state.access('AdminRoleRecheck', 'Admin confirmations');
    this.mac = new KeyedMac(options.encryptionKey, 'falkordb-pat admin confirmation v1', 'a1');
  }

  get enabled(): boolean {
    return this.shared.enabled;
  }

  /** The confirmation another instance (or this one) made for the credential, while it is still to be trusted. */
  async read(credentialId: string, now: number): Promise<SharedConfirmation | undefined> {
    if (!this.enabled) return undefined;
    const key = this.keyOf(credentialId);
    const stored = await this.shared.attempt((storage) => storage.readExpiring(key));
    if (!stored || typeof stored.value !== 'string' || typeof stored.remainingMs !== 'number' || !(stored.remainingMs > 0)) return undefined;
    const remainingMs = stored.remainingMs;
    const { role, until, mac } = parsed(stored.value);
    // One without our MAC was not written here.
    if (!isRole(role) || typeof until !== 'number') return undefined;
    if (!this.mac.verify([key, role, until], mac)) return undefined;
    const trustedUntil = Math.min(until, now + remainingMs);
    return trustedUntil > now ? { role, trustedUntil } : undefined;
  }

  /** Shares a role just read from the ACL, to be trusted until `trustedUntil` (this instance's clock). */
  async write(credentialId: string, role: Role, trustedUntil: number, now: number): Promise<void> {
    const remainingMs = Math.floor(trustedUntil - now);
    if (!this.enabled || remainingMs <= 0) return;
    const key = this.keyOf(credentialId);
    const value = JSON.stringify({ role, until: trustedUntil, mac: this.mac.sign([key, role, trustedUntil]) });
    await this.shared.attempt((storage) => storage.writeExpiring(key, value, remainingMs));
  }

  private keyOf(credentialId: string): string {
    return this.shared.key('admin-role', credentialId);
  }
}

function parsed(value: string): { role?: unknown; until?: unknown; mac?: unknown } {
  try {
    const json: unknown = JSON.parse(value);
    return typeof json === 'object' && json !== null ? json : {};
  } catch {
    return {};
  }
}
