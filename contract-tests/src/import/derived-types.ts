import type { ImportPage } from './pages';
import { ROOT_ENTITY } from './type-kinds';

/** What the pages say of types before base types are final: enough to tell a page about a derived type. */
export interface TypeHierarchy {
  /** The qualified name of a structured type a page defines (or schemas/ has), written in any casing, qualified or not. */
  find(name: string): string | undefined;
  /** The base type a type's resource page names (its `baseType` annotation, else an `Inherited from` row), qualified. */
  baseOf(type: string): string | undefined;
}

/** A hierarchy that knows no type: every page is about its entity set's type. */
export const NO_HIERARCHY: TypeHierarchy = { find: () => undefined, baseOf: () => undefined };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `type` is `base` or derives from it (names compared case-insensitively). */
export function isOrDerivesFrom(h: TypeHierarchy, type: string, base: string): boolean {
  const want = base.toLowerCase();
  for (let t: string | undefined = type, n = 0; t !== undefined && n < 20; t = h.baseOf(t), n++) if (t.toLowerCase() === want) return true;
  return false;
}

/** The type a value names with `@odata.type` when that is `declared` or derives from it, else undefined. */
export function namedSubtype(h: TypeHierarchy, value: unknown, declared: string): string | undefined {
  const named = isObject(value) ? value['@odata.type'] : undefined;
  const found = typeof named === 'string' ? h.find(named.replace(/^#/, '')) : undefined;
  return found !== undefined && isOrDerivesFrom(h, found, declared) ? found : undefined;
}

/** The type a page's first heading or front-matter title names ("Create X", "Update X"), when it is `setType` or derives from it. */
function titledSubtype(h: TypeHierarchy, ip: ImportPage, setType: string): string | undefined {
  const titles = [ip.page.headings.find((x) => x.level === 1)?.text, ip.page.frontMatter?.title];
  for (const title of titles) {
    const name = /^(?:create|update)\s+(?:an?\s+)?([\w.]+)\s*$/i.exec(title?.trim() ?? '')?.[1];
    const found = name ? h.find(name) : undefined;
    if (found !== undefined && isOrDerivesFrom(h, found, setType)) return found;
  }
  return undefined;
}

/**
 * The type a create or update page is about. Graph documents a derived type's create and update on pages of their own
 * that target the base type's set ("Update ipNamedLocation": PATCH /namedLocations/{id} with an ipNamedLocation body):
 * the one type its request bodies name with `@odata.type` (the set's type or a type derived from it); lacking any
 * body annotation, the type its title names; else the set's type.
 */
export function pageSubtype(h: TypeHierarchy, ip: ImportPage, bodies: readonly unknown[], setType: string): string {
  const annotated = bodies.filter((b) => isObject(b) && '@odata.type' in b);
  if (annotated.length === 0) return titledSubtype(h, ip, setType) ?? setType;
  const named = new Set(annotated.map((b) => namedSubtype(h, b, setType)?.toLowerCase()));
  const [only] = [...named];
  return named.size === 1 && only !== undefined ? (h.find(only) ?? setType) : setType;
}

/**
 * The nearest type that every type voted for as an entity set's type is or derives from (microsoft.graph.entity
 * aside): a set whose pages are a base type's and its derived types' holds the base type.
 */
export function commonBase(h: TypeHierarchy, votes: readonly string[]): string | undefined {
  for (let t: string | undefined = votes[0], n = 0; t !== undefined && n < 20 && t.toLowerCase() !== ROOT_ENTITY; t = h.baseOf(t), n++) {
    const candidate = t;
    if (votes.every((v) => isOrDerivesFrom(h, v, candidate))) return candidate;
  }
  return undefined;
}
