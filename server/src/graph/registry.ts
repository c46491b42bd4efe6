import { resolve } from 'node:path';
import type { GraphModel } from './model';
import { buildGraphModel } from './model';
import type { SchemaFile } from './schema-files';
import { loadSchemaFiles } from './schema-files';
import type { GraphValidator } from './validate';
import { createGraphValidator } from './validate';

/** The schemas, the model derived from them and their compiled validators. */
export interface GraphDefinition {
  files: readonly SchemaFile[];
  model: GraphModel;
  validator: GraphValidator;
}

const cache = new Map<string, GraphDefinition>();

/**
 * Reads schemas/ (plus `--schemas` folders) and compiles it once per process and set of folders; every app
 * shares the (immutable) result. A conflicting or invalid schema throws an Error naming its file.
 */
export function loadGraphDefinition(extraDirs: readonly string[] = []): GraphDefinition {
  const key = extraDirs.map((d) => resolve(d)).join('\0');
  let definition = cache.get(key);
  if (!definition) {
    const files = loadSchemaFiles(undefined, extraDirs);
    const model = buildGraphModel(files);
    definition = { files, model, validator: createGraphValidator(files, model) };
    cache.set(key, definition);
  }
  return definition;
}
