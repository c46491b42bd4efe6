import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../package-root';

/** A JSON Schema as read from disk: only the keys mockgraph itself reads are typed. */
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  title?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  required?: string[];
  readOnly?: boolean;
  [keyword: string]: unknown;
}

/** One schema file under schemas/, with its $id and its path relative to the package root. */
export interface SchemaFile {
  id: string;
  file: string;
  schema: JsonSchema;
}

/** The folders under schemas/ that hold schemas, in load order. */
export const SCHEMA_FOLDERS = ['graph', 'odata', 'requests'] as const;

/** Reads one schema file; an unreadable, non-JSON or id-less file is an Error naming it. */
function readSchemaFile(path: string, base: string): SchemaFile {
  let schema: JsonSchema;
  try {
    schema = JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
  } catch (err) {
    throw new Error(`schema file ${path}: ${(err as Error).message.split('\n')[0] ?? 'unreadable'}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error(`schema file ${path}: not a JSON object`);
  if (typeof schema.$id !== 'string' || schema.$id === '') throw new Error(`schema file ${path}: a schema needs a string $id`);
  return { id: schema.$id, file: relative(base, path) || path, schema };
}

/** The `*.schema.json` files of a folder and of its graph/, odata/ and requests/ subfolders, when present. */
function schemaPathsIn(dir: string): string[] {
  const paths: string[] = [];
  for (const folder of ['', ...SCHEMA_FOLDERS]) {
    const at = join(dir, folder);
    if (!existsSync(at) || !statSync(at).isDirectory()) continue;
    for (const name of readdirSync(at).filter((n) => n.endsWith('.schema.json')).sort()) paths.push(join(at, name));
  }
  return paths;
}

/**
 * Reads every `*.schema.json` under schemas/ (graph/, odata/, requests/) and then under each extra folder
 * (`--schemas DIR`: the folder itself and those subfolders), sorted by $id so every consumer sees one order.
 * Two files with one $id stop the load, naming both.
 */
export function loadSchemaFiles(root: string = join(packageRoot(), 'schemas'), extraDirs: readonly string[] = []): SchemaFile[] {
  const files: SchemaFile[] = [];
  const seen = new Map<string, string>();
  const add = (f: SchemaFile, shown: string) => {
    const earlier = seen.get(f.id);
    if (earlier !== undefined) throw new Error(`schema file ${shown}: its $id '${f.id}' is already defined by ${earlier}`);
    seen.set(f.id, shown);
    files.push(f);
  };
  for (const folder of SCHEMA_FOLDERS) {
    for (const name of readdirSync(join(root, folder)).filter((n) => n.endsWith('.schema.json'))) {
      const f = readSchemaFile(join(root, folder, name), join(root, '..'));
      add(f, f.file);
    }
  }
  for (const dir of extraDirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--schemas ${dir}: no such folder`);
    const paths = schemaPathsIn(dir);
    if (paths.length === 0) throw new Error(`--schemas ${dir}: the folder holds no *.schema.json files (nor its graph/ or requests/ subfolders)`);
    for (const path of paths) add(readSchemaFile(path, process.cwd()), path);
  }
  return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
