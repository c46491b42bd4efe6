#!/usr/bin/env node
'use strict';
// mockgraph's command line: `serve` (default), `token`, `seed`, `openapi` and `cert` live in the server; `contract`,
// `lint-docs` and `import-docs` in contract-tests (which depends on the server, never the other way round).
const { normalizeArgv } = require('../dist/server/src/cli/flags.js');
const { prepareOutputs } = require('../dist/server/src/cli/output-path.js');

// The output flags of the contract-tests commands: checked (a file's folder created) before the command runs, so a
// long run never fails at the end for want of a folder. The server's commands check their own.
const OUTPUTS = { contract: { out: 'file' }, 'lint-docs': {}, 'import-docs': { out: 'folder', report: 'file' } };

const [command, ...args] = normalizeArgv(process.argv.slice(2));

function exitWith(run) {
  run().then((status) => process.exit(status), (err) => {
    process.stderr.write(`mockgraph: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}

if (Object.prototype.hasOwnProperty.call(OUTPUTS, command)) {
  try {
    prepareOutputs(args, OUTPUTS[command]);
  } catch (err) {
    process.stderr.write(`mockgraph: ${err.message}\n`);
    process.exit(2);
  }
  if (command === 'import-docs') exitWith(() => require('../dist/contract-tests/src/import/cli.js').runImportCommand(args));
  else exitWith(() => require('../dist/contract-tests/src/cli.js').runContractCommand(command, args));
} else {
  require('../dist/server/src/main.js');
}
