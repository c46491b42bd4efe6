import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020';
import { packageRoot } from '../package-root';
import { nearMiss } from './flags';
import { SETTINGS } from './settings';

/** The JSON Schema of mockgraph.config.json, shipped in schemas/config/. */
export const CONFIG_SCHEMA_FILE = join('schemas', 'config', 'mockgraph.config.schema.json');

type JsonSchema = { type?: string; items?: JsonSchema; anyOf?: JsonSchema[]; enum?: unknown[] };

const TYPE_WORDS: Record<string, string> = { integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'an object', null: 'null' };

/** What a JSON Schema accepts, in words: "a string or a list of strings". */
function expected(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'something else';
  if (schema.anyOf) return schema.anyOf.map(expected).join(' or ');
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'array' && schema.items?.type) return `a list of ${expected(schema.items).replace(/^an? /, '')}s`;
  return TYPE_WORDS[schema.type ?? ''] ?? 'something else';
}

/** A JSON value in words, without repeating a secret. */
function given(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return secret ? 'a string' : `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value === 'number' ? 'the number ' : ''}${String(value)}`;
}

/** One ajv error as a flag error reads: what the key must be, never the schema's own words (patterns, keywords). */
function describe(e: ErrorObject, config: Record<string, unknown>, schema: { properties: Record<string, JsonSchema> }): string {
  if (e.instancePath === '') {
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const close = nearMiss(key, Object.keys(schema.properties));
      return `unknown key "${key}"${close === undefined ? '' : `; did you mean "${close}"?`}`;
    }
    return `must be a JSON object of settings, such as { "port": 4000 }, not ${given(config, false)}`;
  }
  const [, key = '', index] = e.instancePath.split('/');
  const value = config[key];
  const setting = SETTINGS.find((s) => s.key === key);
  const secret = setting?.secret === true;
  // A value of the right kind that the flag would refuse too gets the flag's own message.
  const scalars = Array.isArray(value) ? value : [value];
  if (setting && scalars.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    try {
      setting.parse(Array.isArray(value) ? value.join(',') : String(value));
    } catch (err) {
      return `"${key}" ${(err as Error).message}`;
    }
  }
  const at = index === undefined ? `"${key}"` : `"${key}" entry ${Number(index) + 1}`;
  const limit = (e.params as { limit?: number }).limit;
  const v = index === undefined ? value : (value as unknown[])[Number(index)];
  switch (e.keyword) {
    case 'minLength':
      return `${at} must ${limit === 1 ? 'not be empty' : `be at least ${limit} characters long`}`;
    case 'maxLength':
      return `${at} must be at most ${limit} characters long`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${at} must be ${e.keyword === 'minimum' ? 'at least' : 'more than'} ${limit}, got ${given(v, secret)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${at} must be ${e.keyword === 'maximum' ? 'at most' : 'less than'} ${limit}, got ${given(v, secret)}`;
    case 'pattern':
      return `${at} must be ${setting ? `${setting.valueName} (see --${setting.flag} in mockgraph serve --help)` : 'in the documented form'}, not ${given(v, secret)}`;
    default:
      // type, enum, anyOf: say what the key takes, as the schema's property declares it.
      return `${at} must be ${index === undefined ? expected(schema.properties[key]) : expected(schema.properties[key]?.anyOf?.find((b) => b.type === 'array')?.items)}, not ${given(v, secret)}`;
  }
}

/** Parses and validates a config file's text; throws an Error naming the file and the bad key, in a flag error's words. */
export function parseConfigFile(text: string, fileName: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: not valid JSON: ${(err as Error).message}`);
  }
  const schema = JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_FILE), 'utf8')) as { properties: Record<string, JsonSchema> };
  // Loaded here, not at start-up: a serve without a config file never needs ajv's compiler (validators are cached).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  const validate = new Ajv2020({ strict: true, allErrors: false }).compile(schema);
  if (validate(parsed)) return parsed as Record<string, unknown>;
  const errors = validate.errors ?? [];
  // Inside anyOf, ajv reports every branch; an error within the value (a list's entry) is the branch that fits.
  const first = errors.find((e) => e.instancePath.split('/').length > 2) ?? errors[0];
  throw new Error(`${fileName}: ${first ? describe(first, parsed as Record<string, unknown>, schema) : 'is not a valid config file'}`);
}
