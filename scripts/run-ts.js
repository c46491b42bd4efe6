#!/usr/bin/env node
'use strict';
// Runs a TypeScript script without a build: each .ts module is transpiled (no type check) as it is required.
// Used for dev scripts that must run outside Jest's VM (json-schema-to-typescript loads Prettier with import()).
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node scripts/run-ts.js SCRIPT.ts [args...]\n');
  process.exit(2);
}
const { main } = require(resolve(script));
if (typeof main !== 'function') {
  process.stderr.write(`${script} exports no main(args)\n`);
  process.exit(2);
}
Promise.resolve(main(args)).catch((err) => {
  process.stderr.write(`${script}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
