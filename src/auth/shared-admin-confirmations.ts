import { Inject, Injectable } from '@nestjs/common';
import { KeyedMac } from '../credentials/crypto/keyed-mac';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { AuthModuleOptions } from './auth.options';
import { isRole, Role } from '../domain/role';
import { SharedStateStore } from './shared-state-store';

/** A confirmation's value and the ms it has left on the server's clock, in one round trip (nil when there is none). */
const READ_CONFIRMATION = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
`;

/** A role some instance read from the ACL, and until when (this instance's clock) it may be trusted. */
export interface SharedConfirmation {
  role: Role;
  trustedUntil: number;
}

/**
 * Admin confirmations (AdminRoleRecheck) every instance shares through the token store's
 * FalkorDB: one ACL read per credential and interval for the whole deployment, and a demotion
 * found by one instance reaches the others as soon as their own memory of it runs out. The value
 * carries its deadline on the writer's clock (fake clocks in tests hold) and the key expires with
 * it on the server's, so a reader trusts it until the earlier of the two: clocks that differ
 * between instances never stretch the interval. In `instance` mode nothing is shared. Never throws:
 * without FalkorDB each instance confirms on its own.
 *
 * A confirmation grants Admin reach, and anyone who can write keys on the store's server can write
 * one: each carries a MAC (keyed by the deployment's encryption key) over its key, role and
 * deadline. One without a valid MAC counts as no confirmation at all: the ACL is read instead.
 */
@Injectable()
export class SharedAdminConfirmations {
  private readonly shared: SharedStateStore;
  private readonly mac: KeyedMac;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, store: FalkorDbConnection) {
    this.shared = new SharedStateStore(options, store, 'AdminRoleRecheck', 'Admin confirmations');
    this.mac = new KeyedMac(options.encryptionKey, 'falkordb-pat admin confirmation v1', 'a1');
  }

  get enabled(): boolean {
    return this.shared.enabled;
  }

  /** The confirmation another instance (or this one) made for the credential, while it is still to be trusted. */
  async read(credentialId: string, now: number): Promise<SharedConfirmation | undefined> {
    if (!this.enabled) return undefined;
    const key = this.keyOf(credentialId);
    const reply = await this.shared.run(['EVAL', READ_CONFIRMATION, '1', key]);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    const remainingMs = Number(reply[1]);
    const { role, until, mac } = parsed(reply[0]);
    // A key without expiry (PTTL -1) was not written here; nor was one without our MAC.
    if (!isRole(role) || typeof until !== 'number' || !(remainingMs > 0)) return undefined;
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
    await this.shared.run(['SET', key, value, 'PX', String(remainingMs)]);
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
