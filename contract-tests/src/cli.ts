import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { createApp, loadGraphDefinition, packageRoot } from '../../server/src/index';
import { parseCommandArgs } from './cli-args';
import type { OptionSpecs } from './cli-args';
import { matchContextFor } from './context';
import { deleteCreated } from './created-entities';
import type { DocPage } from './doc-page';
import { fetchTarget } from './fetch-target';
import { expandDocArguments } from './files';
import { formatFindings, lintPage } from './lint';
import { loadDocPage } from './load';
import { exitStatus, REPORTERS, renderReport } from './report';
import type { Reporter } from './report';
import type { CaseResult } from './run';
import type { CreatedEntity } from './setup';
import { runPage } from './run';

/** Exits 2 with a one-line reason. */
function usage(message: string): never {
  process.stderr.write(`mockgraph: ${message}\n`);
  process.exit(2);
}

function parse<T extends OptionSpecs>(command: string, argv: string[], options: T) {
  try {
    return parseCommandArgs(command, argv, options);
  } catch (err) {
    usage((err as Error).message);
  }
}

function loadPages(args: string[]): DocPage[] {
  let files: string[];
  try {
    files = expandDocArguments(args);
  } catch (err) {
    usage((err as Error).message);
  }
  if (files.length === 0) usage('no documentation pages given');
  return files.map((f) => loadDocPage(readFileSync(f, 'utf8'), relative(process.cwd(), f) || f));
}

const CONTRACT_HELP = `mockgraph contract [--docs FILES…] [--base-url URL] [--token T] [--admin-token T] [--schemas DIR] [--reporter console|junit|json] [--out FILE] [FILES…]

Replays every request/response example of Graph documentation pages and checks the answers.
  --docs FILES       pages, folders or globs (default: contract-tests/docs, else the pages mockgraph ships)
  --base-url URL     the server to test (default: mockgraph itself, started in-process on a free port);
                     a URL ending in the version root (http://host:4000/beta) is read as the server's root
  --token T          the bearer token to send (default: mockgraph-contract-test)
  --admin-token T    the admin token of a mockgraph target (default: MOCKGRAPH_ADMIN_TOKEN); used to create
                     entities through /_mockgraph/entities in collections whose pages document no POST
  --schemas DIR      extra (imported) schemas the target serves; the in-process mock serves them too (repeatable)
  --service-root P   where placeholder roots such as docs\\api map to (default: /beta)
  --reporter R       console (default), junit or json
  --out FILE         write the report there instead of standard output
  --keep             against --base-url, keep the entities the run creates (by default they are deleted after it)
Exit status: 0 when every replayable example passes, 1 when one fails, 2 for bad arguments, 3 when the target
cannot be reached (refused, unresolvable, no answer within 15 s): the report marks those cases as errors.
`;

/** `mockgraph contract`. */
async function contract(argv: string[]): Promise<number> {
  const { values, positionals } = parse('contract', argv, {
    docs: { type: 'string', multiple: true },
    'base-url': { type: 'string' },
    token: { type: 'string' },
    'admin-token': { type: 'string' },
    schemas: { type: 'string', multiple: true },
    'service-root': { type: 'string' },
    reporter: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) return process.stdout.write(CONTRACT_HELP), 0;
  const reporter = (values.reporter as string | undefined) ?? 'console';
  if (!(REPORTERS as readonly string[]).includes(reporter)) usage(`--reporter must be one of ${REPORTERS.join(', ')}, got '${reporter}'`);
  const docArgs = [...((values.docs as string[] | undefined) ?? []), ...positionals];
  // The default: the checkout's pages, else (an installed mockgraph run elsewhere) the ones the package ships.
  const shipped = existsSync('contract-tests/docs') ? 'contract-tests/docs' : join(packageRoot(), 'contract-tests', 'docs');
  const pages = loadPages(docArgs.length > 0 ? docArgs : [shipped]);

  const schemaDirs = (values.schemas as string[] | undefined) ?? [];
  let graph;
  try {
    graph = loadGraphDefinition(schemaDirs);
  } catch (err) {
    usage((err as Error).message);
  }
  let server: Server | undefined;
  let baseUrl = values['base-url'] as string | undefined;
  if (baseUrl === undefined) {
    server = createApp({ logError: () => {}, schemaDirs }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  } else if (!/^https?:\/\//.test(baseUrl)) {
    usage(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  }
  const adminToken = (values['admin-token'] as string | undefined) ?? (process.env.MOCKGRAPH_ADMIN_TOKEN || undefined);
  // Against a live server, what the run creates is deleted afterwards (unless --keep), so a shared sandbox is left as it was.
  const created: CreatedEntity[] | undefined = server === undefined && values.keep !== true ? [] : undefined;
  const options = { token: values.token as string | undefined, serviceRoot: values['service-root'] as string | undefined, adminToken, pages, graph, created };
  const ctx = matchContextFor(graph);
  const target = fetchTarget(baseUrl);
  const results: CaseResult[] = [];
  try {
    for (const page of pages) results.push(...(await runPage(page, target, ctx, options)));
    if (created && created.length > 0) {
      const { deleted, left } = await deleteCreated(target, created, options).catch((err: unknown) => ({ deleted: 0, left: [(err as Error).message] }));
      process.stderr.write(`mockgraph contract: deleted ${deleted} entit${deleted === 1 ? 'y' : 'ies'} the run created${left.length > 0 ? `; could not delete ${left.length}: ${left.slice(0, 5).join('; ')}` : ''} (--keep keeps them)\n`);
    }
  } finally {
    server?.close();
  }
  const report = renderReport(reporter as Reporter, results);
  if (values.out) {
    writeFileSync(values.out as string, report);
    process.stderr.write(renderReport('console', results).split('\n').slice(-2).join('\n'));
  } else {
    process.stdout.write(report);
  }
  return exitStatus(results);
}

/** `mockgraph lint-docs FILES…`. */
function lintDocs(argv: string[]): number {
  const { values, positionals } = parse('lint-docs', argv, { json: { type: 'boolean' }, help: { type: 'boolean' } });
  if (values.help || positionals.length === 0) {
    process.stdout.write('mockgraph lint-docs [--json] FILES…\n\nReports problems of Graph documentation pages: file, line, severity, rule and message.\nExit status: 1 when any finding is an error, else 0.\n');
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const graph = loadGraphDefinition();
  const findings = loadPages(positionals).flatMap((p) => lintPage(p, graph));
  process.stdout.write(values.json ? JSON.stringify(findings, null, 2) + '\n' : formatFindings(findings));
  const errors = findings.filter((f) => f.severity === 'error').length;
  process.stderr.write(`${findings.length} finding(s), ${errors} error(s)\n`);
  return errors > 0 ? 1 : 0;
}

/** Runs a contract-tests command; resolves to the exit status. */
export async function runContractCommand(command: string, argv: string[]): Promise<number> {
  if (command === 'contract') return contract(argv);
  if (command === 'lint-docs') return lintDocs(argv);
  usage(`unknown command '${command}'`);
}
