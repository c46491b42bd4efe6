import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { emitContracts, emitOperations } from './contracts';
import { emitTypes, IMPORT_MARKER, uniqueSets } from './emit';
import type { EmittedSchema } from './emit';
import { fillExamples } from './examples';
import { ModelBuilder } from './model';
import { repairOperationExamples } from './operation-examples';
import type { KnownSchema } from './model';
import { FS_READER, PageSet, toImportPage } from './pages';
import type { PageReader } from './pages';
import { createSchemaChecker } from './schema-check';
import type { ImportFinding } from './types';

/** What to import: pages by the name findings and `$comment`s cite them by, and the schemas that already exist. */
export interface ImportOptions {
  pages: ReadonlyArray<{ file: string; text: string }>;
  /** Schemas that exist already (schemas/, see {@link referencedSchemas}): their types are referenced, never rewritten. Default: none. */
  known?: readonly KnownSchema[];
  /** How linked pages are read (default: from disk, relative to the linking page's file name). */
  reader?: PageReader;
}

/** The files to write (paths below the output folder, `graph/…` and `requests/…`) and the findings. */
export interface ImportResult {
  files: Array<{ path: string; text: string }>;
  findings: ImportFinding[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Serializes a schema: two-space JSON and a final newline, as schemas/ is written. */
function render(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * Imports Graph doc pages into JSON Schema files. Pages are read in path order, so the same pages give byte-identical
 * files whatever order they are given in; nothing on a page stops the import (each problem is a finding).
 */
export function importDocs(options: ImportOptions): ImportResult {
  const findings: ImportFinding[] = [];
  const pages = new PageSet(options.reader ?? FS_READER, findings);
  for (const p of [...options.pages].sort((a, b) => byString(a.file, b.file))) pages.add(toImportPage(p.file, p.text, true, findings));
  const known = options.known ?? [];
  const model = new ModelBuilder(pages, known, findings).build();
  const kept = uniqueSets(model.api.sets);
  for (const set of kept) {
    for (const alias of set.aliases ?? []) {
      const at = model.api.sets.find((s) => s.path === alias)?.sources[0] ?? { file: '', line: 1 };
      findings.push({ ...at, rule: 'request-line', message: `/${alias} holds ${set.entityType}, which the pages also document at /${set.path} (more request lines use it): /${set.path} is its entity set and /${alias} an alias, both served` });
    }
  }
  model.api.sets = kept.filter((s) => model.types.has(s.entityType.toLowerCase()));
  model.api.operations = model.api.operations.filter((o) => model.types.has(o.entityType.toLowerCase()));
  const emitted: EmittedSchema[] = [...emitTypes(model), ...emitContracts(model, findings), ...emitOperations(model)];
  const checker = createSchemaChecker([...known.map((k) => ({ id: k.id, schema: k.schema })), ...emitted]);
  for (const e of checker.errors) findings.push({ file: emitted.find((x) => x.id === e.id)?.path ?? e.id, line: 1, rule: 'schema-compile', message: `${e.id}: ${e.message}` });
  fillExamples(model, emitted, checker, findings);
  repairOperationExamples(model, emitted, checker, findings);
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = `${f.file}\0${f.line}\0${f.rule}\0${f.message}`;
    return !seen.has(key) && seen.add(key);
  });
  return {
    files: emitted.map((e) => ({ path: e.path, text: render(e.schema) })).sort((a, b) => byString(a.path, b.path)),
    findings: unique.sort((a, b) => byString(a.file, b.file) || a.line - b.line || byString(a.rule, b.rule) || byString(a.message, b.message)),
  };
}

/**
 * The schemas an import into `outDir` references: all of them but those the importer wrote into `outDir` itself,
 * which it may write again (re-importing into schemas/). `root` is the folder the schemas' `file`s are relative to.
 */
export function referencedSchemas(schemas: readonly KnownSchema[], outDir: string, root: string): KnownSchema[] {
  const out = resolve(outDir) + sep;
  return schemas.filter((k) => !(String(k.schema.$comment ?? '').startsWith(IMPORT_MARKER) && resolve(root, k.file).startsWith(out)));
}

/** What writing an import did. */
export interface WriteSummary {
  written: string[];
  unchanged: string[];
  /** Existing files the importer did not write (no import marker): left alone, reported. */
  skipped: string[];
}

/** Writes an import's files below `outDir`, overwriting only files the importer wrote before. */
export function writeImport(result: ImportResult, outDir: string): WriteSummary {
  const summary: WriteSummary = { written: [], unchanged: [], skipped: [] };
  for (const f of result.files) {
    const target = join(outDir, f.path);
    if (existsSync(target)) {
      const current = readFileSync(target, 'utf8');
      if (current === f.text) {
        summary.unchanged.push(target);
        continue;
      }
      if (!current.includes(`"$comment": "${IMPORT_MARKER}`)) {
        summary.skipped.push(target);
        result.findings.push({ file: target, line: 1, rule: 'would-overwrite', message: `${target} exists and was not written by the importer; it is left alone` });
        continue;
      }
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.text);
    summary.written.push(target);
  }
  return summary;
}

/** `file:line: rule: message`, one finding per line. */
export function formatImportFindings(findings: readonly ImportFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: ${f.rule}: ${f.message}`).join('\n') + (findings.length > 0 ? '\n' : '');
}
