#!/usr/bin/env node
'use strict';
// mockgraph's command line: `serve` (default), `token` and `seed` live in the server; `contract`, `lint-docs` and
// `import-docs` in contract-tests (which depends on the server, never the other way round).
const [command] = process.argv.slice(2);
if (command === 'contract' || command === 'lint-docs') {
  require('../dist/contract-tests/src/cli.js')
    .runContractCommand(command, process.argv.slice(3))
    .then((status) => process.exit(status), (err) => {
      process.stderr.write(`mockgraph: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    });
} else if (command === 'import-docs') {
  require('../dist/contract-tests/src/import/cli.js')
    .runImportCommand(process.argv.slice(3))
    .then((status) => process.exit(status), (err) => {
      process.stderr.write(`mockgraph: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    });
} else {
  require('../dist/server/src/main.js');
}
