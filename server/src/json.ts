/** A JSON object built from untrusted input: keys are own data properties, never setters (no `__proto__` surprises). */
export type JsonObject = Record<string, unknown>;

/** Defines `key` as an own enumerable property, even when it is `__proto__`. */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
