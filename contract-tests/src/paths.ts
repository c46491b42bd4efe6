/** A `{placeholder}` path segment, as Graph's docs write them (`{id}`, `{ipSecurityProfile-id}`). */
export const PLACEHOLDER = /^\{[^{}]+\}$/;

/** The path of a URL or path, without its query string. */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function segments(path: string): string[] {
  return pathOnly(path).split('/').filter((s) => s !== '');
}

/** True when two paths address the same resource: same segments case-insensitively, placeholders matching anything. */
export function sameShape(a: string, b: string): boolean {
  const [x, y] = [segments(a), segments(b)];
  return x.length === y.length && x.every((s, i) => PLACEHOLDER.test(s) || PLACEHOLDER.test(y[i] ?? '') || s.toLowerCase() === (y[i] ?? '').toLowerCase());
}

/** The path without a trailing `/$ref` segment. */
export function withoutRef(path: string): string {
  return pathOnly(path).replace(/\/\$ref\/?$/i, '');
}

/** The collection a placeholder path belongs to: the segments before the first placeholder (or key predicate). */
export function collectionOf(path: string): string | undefined {
  const parts = pathOnly(path).split('/');
  const at = parts.findIndex((s) => PLACEHOLDER.test(s) || /\('?\{[^}]+\}'?\)$/.test(s));
  if (at < 0) return undefined;
  const head = parts.slice(0, at);
  const keyed = parts[at] ?? '';
  if (!PLACEHOLDER.test(keyed)) head.push(keyed.slice(0, keyed.indexOf('(')));
  return head.join('/');
}

/** Replaces every `{placeholder}` (also inside a key predicate) with the id. */
export function fillPlaceholders(path: string, id: string): string {
  return path.replace(/\{[^{}/]+\}/g, encodeURIComponent(id));
}

/** True when a path has a `{placeholder}`. */
export function hasPlaceholder(path: string): boolean {
  return /\{[^{}/]+\}/.test(pathOnly(path));
}
