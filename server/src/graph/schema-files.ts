import { readdirSync, readFileSync } from 'node:fs';
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

/** Reads every `*.schema.json` under schemas/, sorted by $id so every consumer sees one order. */
export function loadSchemaFiles(root: string = join(packageRoot(), 'schemas')): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const folder of SCHEMA_FOLDERS) {
    for (const name of readdirSync(join(root, folder)).filter((n) => n.endsWith('.schema.json'))) {
      const path = join(root, folder, name);
      const schema = JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
      if (typeof schema.$id !== 'string') throw new Error(`${path}: a schema needs a string $id`);
      files.push({ id: schema.$id, file: relative(join(root, '..'), path), schema });
    }
  }
  return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
