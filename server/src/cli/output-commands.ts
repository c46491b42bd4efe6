import { openApiDocument } from '../describe/openapi';
import { loadGraphDefinition } from '../graph/registry';
import type { GraphDefinition } from '../graph/registry';
import { isValidationProfile } from '../graph/validate';
import { generateEntities } from '../seed/generate';
import { lastValue as one, UsageError } from './flags';
import type { FlagValues } from './flags';
import { prepareOutput } from './output-path';
import { seedFileText } from './seed-file';

/** What a command writes: to the --out file (already checked writable, its folder created), else standard output. */
export interface CommandOutput {
  text: string;
  out: string | undefined;
}

/** The --schemas folders, else MOCKGRAPH_SCHEMAS (comma-separated), as serve reads them. */
function schemaDirs(values: FlagValues, env: Record<string, string | undefined>): string[] {
  return (values.schemas as string[] | undefined) ?? (env.MOCKGRAPH_SCHEMAS ?? '').split(',').map((d) => d.trim()).filter(Boolean);
}

function graphOf(values: FlagValues, env: Record<string, string | undefined>): GraphDefinition {
  try {
    return loadGraphDefinition(schemaDirs(values, env));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The --out file, checked before any work is done. */
function outFile(values: FlagValues): string | undefined {
  const out = one(values, 'out');
  if (out !== undefined) prepareOutput('--out', out, 'file');
  return out;
}

/** `mockgraph seed`: N deterministic entities of one entity set, or of each (same seed, same bytes). */
export function seedCommand(values: FlagValues, env: Record<string, string | undefined>): CommandOutput {
  const rawCount = one(values, 'count');
  if (rawCount === undefined) throw new UsageError('seed needs --count N: how many entities to write (e.g. mockgraph seed --count 100)');
  const count = Number(rawCount);
  const randomSeed = Number(one(values, 'random-seed') ?? 1);
  if (!/^\d+$/.test(rawCount) || count > 1_000_000) throw new UsageError(`--count must be an integer from 0 to 1000000, got '${rawCount}'`);
  if (!Number.isInteger(randomSeed) || randomSeed < 0) throw new UsageError(`--random-seed must be a non-negative integer, got '${String(one(values, 'random-seed'))}'`);
  const out = outFile(values);
  const graph = graphOf(values, env);
  const sets = graph.model.entitySets.map((s) => s.path);
  // One set: an array of its entities. Several and no --set: an object keyed by entity-set path, as --seed reads it.
  const chosen = one(values, 'set') ?? (sets.length === 1 ? sets[0] : undefined);
  let entities: unknown;
  for (const set of chosen === undefined ? sets : [chosen]) {
    try {
      const generated = generateEntities(graph, set, count, randomSeed);
      entities = chosen === undefined ? { ...(entities as Record<string, unknown> | undefined), [set]: generated } : generated;
    } catch (err) {
      throw new UsageError(`--set ${set}: ${(err as Error).message}`);
    }
  }
  return { text: seedFileText(entities ?? {}), out };
}

/** `mockgraph openapi`: the OpenAPI description of the served paths (what /_mockgraph/openapi.json answers). */
export function openapiCommand(values: FlagValues, env: Record<string, string | undefined>): CommandOutput {
  const validation = one(values, 'validation') ?? 'doc';
  if (!isValidationProfile(validation)) throw new UsageError(`--validation must be doc or metadata, got '${validation}'`);
  const origin = one(values, 'origin');
  if (origin !== undefined && !/^https?:\/\/[^/]+$/.test(origin)) throw new UsageError(`--origin must be scheme://host[:port], got '${origin}'`);
  const out = outFile(values);
  const graph = graphOf(values, env);
  return { text: JSON.stringify(openApiDocument(graph, { validation, ...(origin ? { origin } : {}) }), null, 2) + '\n', out };
}
