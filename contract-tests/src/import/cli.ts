import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCommandArgs } from '../cli-args';
import { loadGraphDefinition, packageRoot } from '../../../server/src/index';
import { expandDocArguments } from '../files';
import { formatImportFindings, importDocs, referencedSchemas, writeImport } from './import';
import type { KnownSchema } from './model';

/** Where `mockgraph import-docs` writes without `--out`. */
export const DEFAULT_OUT = 'imported-schemas';

const HELP = `mockgraph import-docs [--out DIR] [--check] [--json] [--report FILE] PAGE…

Imports Graph documentation pages (resource, API and enum pages) into JSON Schema files:
DIR/graph/<type>.schema.json and DIR/requests/<type>.<purpose>.schema.json, in the form of mockgraph's schemas/.
Types schemas/ already defines by hand are referenced, not written. Then serve them, and regenerate types
with \`npm run generate\` when DIR is schemas/.
  PAGE           pages, folders (every *.md below) or globs; linked type pages are read from the linked folder
  --out DIR      the output folder (default: ${DEFAULT_OUT}); only files the importer wrote are overwritten
  --check        write nothing; exit 1 when DIR's files differ from what the pages give
  --json         print the findings as JSON instead of file:line: rule: message lines
  --report FILE  also write the findings (file:line: rule: message) to FILE
Exit status: 0 when the import ran (findings are not failures), 1 when a schema does not compile or --check
finds a difference, 2 for bad arguments.
`;

function fail(message: string): number {
  process.stderr.write(`mockgraph: ${message}\n`);
  return 2;
}

/** The schemas mockgraph ships (schemas/): the import references their types instead of writing them again. */
function builtInSchemas(): KnownSchema[] {
  return loadGraphDefinition().files.map((f) => ({ id: f.id, file: f.file, schema: f.schema as Record<string, unknown> }));
}

/** `mockgraph import-docs`; resolves to the exit status. */
export async function runImportCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs('import-docs', argv, { out: { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' }, report: { type: 'string' }, help: { type: 'boolean' } });
  } catch (err) {
    return fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return process.stdout.write(HELP), 0;
  if (positionals.length === 0) return fail('no documentation pages given (mockgraph import-docs --help)');
  let files: string[];
  try {
    files = expandDocArguments(positionals);
  } catch (err) {
    return fail((err as Error).message);
  }
  const pages = files.map((f) => ({ file: relative(process.cwd(), f) || f, text: readFileSync(f, 'utf8') }));
  let known: KnownSchema[];
  try {
    known = builtInSchemas();
  } catch (err) {
    return fail(`mockgraph's own schemas/ do not load: ${(err as Error).message}`);
  }
  const out = values.out ?? DEFAULT_OUT;
  const result = importDocs({ pages, known: referencedSchemas(known, out, packageRoot()) });
  let status = result.findings.some((f) => f.rule === 'schema-compile') ? 1 : 0;
  let summary: string;
  if (values.check) {
    const differing = result.files.filter((f) => !existsSync(join(out, f.path)) || readFileSync(join(out, f.path), 'utf8') !== f.text).map((f) => join(out, f.path));
    for (const d of differing) process.stdout.write(`${d}: differs from what the pages give (run mockgraph import-docs --out ${out} …)\n`);
    if (differing.length > 0) status = 1;
    summary = `${result.files.length} schema file(s) checked in ${out}: ${differing.length} differ`;
  } else {
    const written = writeImport(result, out);
    summary = `${result.files.length} schema file(s) in ${out}: ${written.written.length} written, ${written.unchanged.length} unchanged, ${written.skipped.length} left alone`;
  }
  process.stdout.write(values.json ? `${JSON.stringify(result.findings, null, 2)}\n` : formatImportFindings(result.findings));
  if (values.report) writeFileSync(values.report, formatImportFindings(result.findings));
  process.stderr.write(`${summary}; ${pages.length} page(s), ${result.findings.length} finding(s)\n`);
  return status;
}
