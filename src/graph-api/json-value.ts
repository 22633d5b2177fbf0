/** Anything JSON can carry: what every query result value is turned into. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * An object for keys that come from the database (property names, map keys): without a prototype, so
 * a key such as `__proto__` is stored as data like any other.
 */
export function jsonObject(): Record<string, JsonValue> {
  return Object.create(null) as Record<string, JsonValue>;
}
