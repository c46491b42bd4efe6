/** A JSON object built from untrusted input: keys are own data properties, never setters (no `__proto__` surprises). */
export type JsonObject = Record<string, unknown>;

/** Sets `key` as an own enumerable data property, even when it is `__proto__` (where plain assignment would set the prototype). */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
