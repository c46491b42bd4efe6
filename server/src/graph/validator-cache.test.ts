import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraphModel } from './model';
import { prepareForValidation } from './inheritance';
import { loadSchemaFiles } from './schema-files';
import { createGraphValidator } from './validate';
import type { ValidatorSource } from './validator-cache';
import { cachedValidators } from './validator-cache';

const files = loadSchemaFiles();
const model = buildGraphModel(files);
const schemas = prepareForValidation(files, model);

/** A source that counts its compiles and answers with a fixed validator (no ajv involved). */
function countingSource(fingerprint = 'f'): ValidatorSource & { compiles: number } {
  const source = {
    fingerprint,
    compiles: 0,
    keywords: () => ({}),
    compile: (list: typeof schemas) => {
      source.compiles++;
      const always = Object.assign(() => true, { errors: null }) as never;
      return { validators: new Map(list.map((s) => [s.id, always])), code: () => `"use strict";${list.map((s) => `exports[${JSON.stringify(s.id)}] = function () { return true; };`).join('')}` };
    },
  };
  return source;
}

describe('cachedValidators', () => {
  test('compiles once, then loads what it cached, for the same schemas and source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockgraph-validators-'));
    const source = countingSource();
    cachedValidators(schemas, source, dir);
    const loaded = cachedValidators(schemas, source, dir);
    expect(source.compiles).toBe(1);
    expect([...loaded.keys()]).toEqual(schemas.map((s) => s.id));
    expect(readdirSync(dir).filter((f) => f.endsWith('.js'))).toHaveLength(1);
  });

  test('other schemas or another source fingerprint are compiled anew; a damaged file is compiled again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockgraph-validators-'));
    const source = countingSource();
    cachedValidators(schemas, source, dir);
    cachedValidators(schemas.slice(1), source, dir);
    cachedValidators(schemas, countingSource('other'), dir);
    expect(source.compiles).toBe(2);
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'throw new Error("damaged")');
    cachedValidators(schemas, source, dir);
    expect(source.compiles).toBe(3);
  });

  test('an unwritable folder only costs the compile', () => {
    const source = countingSource();
    const blocked = join(mkdtempSync(join(tmpdir(), 'mockgraph-validators-')), 'file');
    writeFileSync(blocked, '');
    expect(cachedValidators(schemas, source, join(blocked, 'sub')).size).toBe(schemas.length);
    expect(existsSync(join(blocked, 'sub'))).toBe(false);
  });

  test('validators loaded from the cache answer as compiled ones do, messages included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockgraph-validators-'));
    const first = createGraphValidator(files, model, dir);
    expect(readdirSync(dir)).toHaveLength(1);
    const second = createGraphValidator(files, model, dir);
    const bodies: unknown[] = [{}, { countHits: 'x' }, { '@odata.type': '#microsoft.graph.nothing' }, { vendorInformation: { provider: 1 } }, { ipCategories: [{ '@odata.type': '#microsoft.graph.ipReferenceData' }] }];
    for (const body of bodies) {
      expect(second.check('mockgraph.requests.ipSecurityProfile.create.doc', body)).toEqual(first.check('mockgraph.requests.ipSecurityProfile.create.doc', body));
      expect(second.check('microsoft.graph.ipSecurityProfile', body)).toEqual(first.check('microsoft.graph.ipSecurityProfile', body));
    }
  });
});
