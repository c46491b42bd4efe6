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

let cached: GraphDefinition | undefined;

/** Reads schemas/ and compiles it once per process; every app shares the (immutable) result. */
export function loadGraphDefinition(): GraphDefinition {
  if (!cached) {
    const files = loadSchemaFiles();
    const model = buildGraphModel(files);
    cached = { files, model, validator: createGraphValidator(files, model) };
  }
  return cached;
}
