import { flagRows } from './flags';
import type { FlagSpecs } from './flags';
import { serveFlags, serveHelp } from './settings';

/** One command of `mockgraph`: what the overview shows, and its flags (commands run by contract-tests have none here). */
export interface Command {
  name: string;
  /** The arguments after `mockgraph NAME` in the overview. */
  synopsis: string;
  summary: string;
  /** Flags parsed by main.ts; undefined when another module parses them (and prints the command's --help). */
  flags?: FlagSpecs;
  /** The text of `mockgraph NAME --help`; defaults to synopsis, summary and flag rows. */
  help?: () => string;
  /** The paragraph of the default help; defaults to the summary. */
  description?: string;
}

const SCHEMAS_FLAG = { type: 'string', multiple: true, valueName: 'DIR', description: 'also read the (imported) schemas in DIR (repeatable; default MOCKGRAPH_SCHEMAS, comma-separated)' } as const;

/** Every command, in the order `mockgraph --help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'serve',
    synopsis: '[options]',
    summary: 'serve the mock (the default command)',
    flags: serveFlags(),
    help: serveHelp,
  },
  {
    name: 'token',
    synopsis: '[--scp S] [--roles R] [--secret S] [--expires-in SECONDS] [--tid T] [--appid A]',
    summary: 'print a test access token (JWT) for serve --auth jwt',
    description: 'Prints a test access token (JWT) for serve --auth jwt, with the permissions given. Unsigned (alg none) unless a\nsecret is given; serve --auth jwt --jwt-secret S verifies HS256 tokens signed with S.',
    flags: {
      scp: { type: 'string', valueName: 'SCOPES', description: 'delegated permissions, space-separated (the scp claim), e.g. "Example.Read.All Example.ReadWrite.All"' },
      roles: { type: 'string', valueName: 'ROLES', description: 'application permissions, comma- or space-separated (the roles claim)' },
      secret: { type: 'string', valueName: 'SECRET', description: 'sign with HS256 and this secret (default: MOCKGRAPH_JWT_SECRET; else unsigned)' },
      'expires-in': { type: 'string', valueName: 'SECONDS', description: 'seconds from now until the token expires (default 3600);\na negative number gives an already expired token, to test 401 responses' },
      tid: { type: 'string', valueName: 'TENANT', description: 'the tenant id (tid claim; default 00000000-0000-0000-0000-000000000001)' },
      appid: { type: 'string', valueName: 'APP', description: 'the application id (appid claim; default 00000000-0000-0000-0000-0000000000a1)' },
    },
  },
  {
    name: 'seed',
    synopsis: '--count N [--set PATH] [--random-seed S] [--out FILE] [--schemas DIR]',
    summary: 'write N realistic, deterministic entities as a serve --seed file',
    description: 'Writes N realistic, deterministic entities as a serve --seed file: of the --set (a JSON array), else of every\nentity set (an object keyed by entity-set path). The same seed gives the same bytes.',
    flags: {
      count: { type: 'string', valueName: 'N', description: 'how many entities to write per entity set, 0 to 1000000 (required)' },
      set: { type: 'string', valueName: 'PATH', description: 'only this entity set, a path such as security/exampleItems (default: every set)' },
      'random-seed': { type: 'string', valueName: 'S', description: 'the seed of the generator, a non-negative integer (default 1)' },
      out: { type: 'string', valueName: 'FILE', description: 'write the file there, creating its folder (default: standard output)' },
      schemas: SCHEMAS_FLAG,
    },
  },
  { name: 'contract', synopsis: '[options] [FILES…]', summary: 'replay Graph doc examples against a server' },
  { name: 'lint-docs', synopsis: '[--json] FILES…', summary: 'report problems of Graph doc pages' },
  { name: 'import-docs', synopsis: '[options] PAGE…', summary: 'import Graph doc pages into schemas' },
  {
    name: 'openapi',
    synopsis: '[--schemas DIR] [--validation doc|metadata] [--origin URL] [--out FILE]',
    summary: 'write the OpenAPI description of the served paths',
    description: 'Writes the OpenAPI 3.0 description of every served path, as GET /_mockgraph/openapi.json answers it.',
    flags: {
      schemas: SCHEMAS_FLAG,
      validation: { type: 'string', valueName: 'doc|metadata', description: 'the validation profile the request bodies follow (default doc)' },
      origin: { type: 'string', valueName: 'URL', description: 'the server URL, scheme://host[:port] (default http://localhost:4000)' },
      out: { type: 'string', valueName: 'FILE', description: 'write the description there, creating its folder (default: standard output)' },
    },
  },
  {
    name: 'cert',
    synopsis: '[--ca-dir DIR] [--config FILE] [--path]',
    summary: 'print the local CA of serve --https, and how to trust it',
    description: 'Prints where the local certificate authority of `mockgraph serve --https` keeps its certificate, and how to\nmake Node.js, the operating system and browsers trust it. Creates the CA if there is none yet.',
    flags: {
      'ca-dir': { type: 'string', valueName: 'DIR', description: 'the CA folder, created 0700 (env MOCKGRAPH_CA_DIR, config "caDir";\ndefault $XDG_DATA_HOME/mockgraph/ca, else ~/.local/share/mockgraph/ca)' },
      config: { type: 'string', valueName: 'FILE', description: 'read "caDir" from FILE (default: ./mockgraph.config.json when present)' },
      path: { type: 'boolean', description: 'print only the CA certificate\'s path, e.g. NODE_EXTRA_CA_CERTS="$(npx mockgraph cert --path)"' },
    },
  },
  { name: 'version', synopsis: '', summary: 'print the version (also --version)', flags: {} },
  { name: 'help', synopsis: '[COMMAND]', summary: 'this overview, or the --help of COMMAND', flags: {} },
];

/** The command named `name`, if there is one. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The text of `mockgraph NAME --help` for a command whose flags main.ts parses. */
export function commandHelp(command: Command): string {
  if (command.help) return command.help();
  const usage = `mockgraph ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`;
  const description = command.description ?? command.summary.charAt(0).toUpperCase() + command.summary.slice(1) + '.';
  return [usage, '', description, '', 'Options:', ...flagRows(command.flags ?? {}), ''].join('\n');
}

/** The text of `mockgraph --help`: every command, one line each. */
export function overviewHelp(): string {
  const rows = COMMANDS.map((c) => {
    const usage = `mockgraph ${c.name}${c.synopsis ? ` ${c.synopsis}` : ''}`;
    return usage.length <= 36 ? `  ${usage.padEnd(36)} ${c.summary}` : `  ${usage}\n  ${''.padEnd(36)} ${c.summary}`;
  });
  return [
    'mockgraph: an OData-style mock of Microsoft Graph, serving the entity sets of its schemas',
    '',
    'Commands:',
    ...rows,
    '',
    'mockgraph with no command, or with options only, runs serve. Every command answers --help (or -h) with its',
    'options; mockgraph help COMMAND prints the same.',
    '',
  ].join('\n');
}
