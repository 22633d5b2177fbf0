import { CredentialRecord } from './store/credential.record';

const VERIFIED_RECORD = Symbol('falkordb-pat.verifiedRecord');

/**
 * Keeps the stored record a caller was authenticated with on the caller object (not enumerable,
 * so it never shows up in JSON or comparisons): code answering in the same request about that
 * very credential needs no second read of the store.
 */
export function attachVerifiedRecord(caller: object, record: CredentialRecord): void {
  Object.defineProperty(caller, VERIFIED_RECORD, { value: record, enumerable: false });
}

/** The record `caller` was authenticated with in this request, if it carries one. */
export function verifiedRecordOf(caller: object): CredentialRecord | undefined {
  return (caller as { [VERIFIED_RECORD]?: CredentialRecord })[VERIFIED_RECORD];
}
