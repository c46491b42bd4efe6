import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020';
import { packageRoot } from '../package-root';
import { makePrivateFolder, privateFolder, pruneFolder } from './cache-folder';
import type { SchemaFile } from './schema-files';

/**
 * Compiled validators kept as ajv standalone code, one file per set of schemas, named by the hash of everything that
 * makes the code: the schemas as validated, ajv's options and keywords, ajv's and ajv-formats' versions. Compiling
 * every schema takes most of mockgraph's start-up; loading the code it made last time takes a few milliseconds.
 * A cache is only written by a strict compile of those same schemas, so a typo in one still fails the start-up
 * at which it first appears (see validate.ts). @see https://ajv.js.org/standalone.html
 */

/** Where the code is kept: the usual cache folder of the package's node_modules (find-cache-dir's convention). */
export const VALIDATOR_CACHE_DIR = join(packageRoot(), 'node_modules', '.cache', 'mockgraph');
/** How many cached sets of validators are kept (tests and `--schemas` folders make others); the oldest go first. */
const MAX_CACHED_SETS = 16;
/** Cached validators are `validators-<key>.js`. */
const [PREFIX, SUFFIX] = ['validators-', '.js'];
/** The module id the cached code requires the keywords' functions by. */
export const KEYWORDS_MODULE = 'mockgraph:validation-keywords';

/** What the cache needs of validate.ts: how to compile (into code that can be saved) and the keywords' functions. */
export interface ValidatorSource {
  /** Everything besides the schemas that the compiled code depends on (options, keyword definitions), as text. */
  fingerprint: string;
  /** Compiles every schema strictly; `code` is the standalone module of them all. */
  compile(schemas: readonly SchemaFile[]): { validators: Map<string, ValidateFunction>; code: () => string };
  /** The functions the code's custom keywords call (the module KEYWORDS_MODULE), given the validators to look others up in. */
  keywords(lookup: (schemaId: string) => ValidateFunction | undefined): Record<string, unknown>;
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

/**
 * Feeds into `hash` what anything made from validating against `schemas` depends on besides code: ajv's and
 * ajv-formats' versions and every schema ($id and JSON). Shared by this cache and the seed cache (seed-cache.ts).
 */
export function hashSchemas(hash: Hash, schemas: readonly SchemaFile[]): Hash {
  hash.update(`${versionOf('ajv')}\n${versionOf('ajv-formats')}\n`);
  for (const s of schemas) hash.update(`${s.id}\n${JSON.stringify(s.schema)}\n`);
  return hash;
}

function keyOf(schemas: readonly SchemaFile[], source: ValidatorSource): string {
  return hashSchemas(createHash('sha256').update(`${source.fingerprint}\n`), schemas).digest('hex').slice(0, 32);
}

/** Runs cached standalone code with the few modules it may require; anything else means the file is not ours. */
function evaluate(code: string, keywords: (lookup: (id: string) => ValidateFunction | undefined) => Record<string, unknown>): Map<string, ValidateFunction> {
  const exported: Record<string, ValidateFunction> = {};
  const lookup = (id: string) => exported[id];
  const fns = keywords(lookup);
  const load = (id: string): unknown => {
    if (id === KEYWORDS_MODULE) return fns;
    if (/^ajv\/dist\/runtime\/[a-z0-9_]+$/.test(id) || id === 'ajv-formats/dist/formats') return require(id) as unknown;
    throw new Error(`cached validators require ${id}`);
  };
  const module = { exports: exported };
  // The code's keyword calls pass `self` as `this`; the keywords' functions do not use it.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', 'self', code)(load, module, module.exports, undefined);
  return new Map(Object.entries(module.exports));
}

/**
 * The compiled validator of every schema, by $id: from the cache when it holds these schemas, else compiled (strictly)
 * and then cached. A cache that cannot be read or written (a read-only install) only costs the compile.
 */
export function cachedValidators(schemas: readonly SchemaFile[], source: ValidatorSource, dir: string = VALIDATOR_CACHE_DIR): Map<string, ValidateFunction> {
  const file = join(dir, `${PREFIX}${keyOf(schemas, source)}${SUFFIX}`);
  let code: string | undefined;
  try {
    // Code is run from it: only from a folder that is this user's alone (see cache-folder.ts).
    if (privateFolder(dir)) code = readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  if (code !== undefined) {
    try {
      return evaluate(code, (lookup) => source.keywords(lookup));
    } catch {
      // A damaged file: compiled again below, and replaced.
    }
  }
  const compiled = source.compile(schemas);
  try {
    if (!makePrivateFolder(dir)) return compiled.validators;
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, compiled.code(), { flag: 'wx', mode: 0o600 });
    renameSync(temp, file);
    pruneFolder(dir, { prefix: PREFIX, suffix: SUFFIX, maxFiles: MAX_CACHED_SETS });
  } catch {
    // Not writable: the next start-up compiles again.
  }
  return compiled.validators;
}
