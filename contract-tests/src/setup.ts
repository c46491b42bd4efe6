import type { GraphDefinition } from '../../server/src/index';
import type { DocPage } from './doc-page';
import { pathOnly } from './paths';
import type { ReplayOptions } from './replay';
import { VERSION_ROOTS } from './replay';

/** Why a case cannot be set up against this target; the case is reported as skipped with this reason, not failed. */
export class SetupSkipped extends Error {}

/** What setting up a case may use, besides the replay options. */
export interface SetupOptions extends ReplayOptions {
  /** A body to create entities with when a page has no create example (tried before the schemas' bodies). */
  seedBody?: unknown;
  /** The pages of the run: a collection documents a POST when one of them does (default: the case's own page). */
  pages?: readonly DocPage[];
  /** The schemas the target serves, for example and generated bodies (default: mockgraph's schemas/). */
  graph?: GraphDefinition;
  /** The bearer token of mockgraph's admin API (`--admin-token`), when the target needs one. */
  adminToken?: string;
  /** When given, every entity the run creates (setup, and created examples) is recorded here, to be deleted after. */
  created?: CreatedEntity[];
}

/** An entity a run created: the path it was POSTed to (a collection, or the admin API's set path) and its id. */
export interface CreatedEntity {
  path: string;
  id: string;
}

/** mockgraph's admin API, which creates entities in any entity set. */
export const ADMIN_ENTITIES = '/_mockgraph/entities/';

/** The entity-set path of a collection path: below the version root (`/beta/security/x` → `security/x`). */
export function setPathOf(collection: string): string {
  const segments = pathOnly(collection).split('/').filter((s) => s !== '');
  return (VERSION_ROOTS.includes((segments[0] ?? '').toLowerCase()) ? segments.slice(1) : segments).join('/');
}

/** The admin API's Authorization header: the run's `--admin-token`, or none. */
export function adminAuth(options: SetupOptions): Record<string, string> {
  return options.adminToken === undefined ? {} : { Authorization: `Bearer ${options.adminToken}` };
}

/** True for a JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
