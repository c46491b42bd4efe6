import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject } from 'ajv/dist/2020';
import { packageRoot } from '../package-root';

/** The JSON Schema of mockgraph.config.json, shipped in schemas/config/. */
export const CONFIG_SCHEMA_FILE = join('schemas', 'config', 'mockgraph.config.schema.json');

function describe(e: ErrorObject): string {
  const key = e.instancePath.split('/')[1] ?? (e.params as { additionalProperty?: string }).additionalProperty ?? '';
  if (e.keyword === 'additionalProperties') return `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  return `"${key}" ${e.message ?? 'is invalid'}${e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''}`;
}

/** Parses and validates a config file's text; throws an Error naming the file and the bad key. */
export function parseConfigFile(text: string, fileName: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: not valid JSON: ${(err as Error).message}`);
  }
  const schema = JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_FILE), 'utf8')) as object;
  const validate = new Ajv2020({ strict: true, allErrors: false }).compile(schema);
  if (!validate(parsed)) throw new Error(`${fileName}: ${describe(validate.errors?.[0] as ErrorObject)}`);
  return parsed as Record<string, unknown>;
}
