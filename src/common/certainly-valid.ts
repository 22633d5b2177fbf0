/**
 * A DTO class that can tell, cheaply and without class-validator, that plain input certainly
 * passes all of its rules. The validation pipe then skips class-transformer and class-validator
 * (on a hot route they cost more than the rest of the request); anything the check is unsure of
 * (false) goes through the full validation, which also writes the error messages. So the check
 * may be stricter than the rules, never looser (each DTO's spec holds it to that).
 */
export interface CertainlyValidCheck {
  isCertainlyValid(value: unknown): boolean;
}

export function hasCertainlyValidCheck(metatype: unknown): metatype is CertainlyValidCheck & (new () => object) {
  return typeof metatype === 'function' && typeof (metatype as Partial<CertainlyValidCheck>).isCertainlyValid === 'function';
}

/** A plain object (JSON body, query or params) whose own keys are all in `allowed`. */
export function isObjectWithOnly(value: unknown, allowed: ReadonlySet<string>): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key) || !allowed.has(key)) return false;
  }
  return true;
}
