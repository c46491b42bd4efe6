/**
 * Every shell command of README.md and docs/*.md works as written: its npm scripts, mockgraph commands, flags and
 * repository paths exist, and the runnable blocks (curl against a server, mockgraph's offline commands) run against
 * a real `mockgraph serve`. Commands the test cannot run are listed in STATIC_ONLY with the reason. Every relative
 * link of those pages points at a file, and heading, that exists. Needs `npm run build` first (it runs bin/).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'mockgraph.js');
const run = promisify(execFile);

/**
 * Commands that are checked statically only (scripts, CLI commands and flags, paths): each with why it is not run.
 * The key is the command as written, comments dropped and whitespace collapsed.
 */
const STATIC_ONLY: Record<string, string> = {
  'npm install && npm start': 'the quick start itself: installs, builds and serves on port 4000 (this test serves bin/mockgraph.js itself)',
  'npm install && npm test': 'the quick start itself: the whole suite, this test included',
  'npx mockgraph serve --data postgres://mockgraph:secret@db.internal:5432/mockgraph --token-secret "$MOCKGRAPH_TOKEN_SECRET"': 'needs that PostgreSQL server; server/test/postgres-replicas.test.ts serves --data postgres://… on a real one',
  'export MOCKGRAPH_ADMIN_TOKEN=$(openssl rand -hex 24) MOCKGRAPH_TOKEN_SECRET=$(openssl rand -hex 24)': 'prepares docker compose up (needs a container engine)',
  'docker compose up --build': 'needs a container engine and compose (none here; the image is checked with ../shared/tools/docker-check.sh)',
  'export MOCKGRAPH_DATA=postgres://postgres@127.0.0.1:5432/postgres MOCKGRAPH_TOKEN_SECRET=a-long-shared-secret-value': 'needs a PostgreSQL server on port 5432; server/test/postgres-replicas.test.ts runs two replicas on a real one',
  'npx mockgraph serve --port 4001 & npx mockgraph serve --port 4002 &': 'needs the PostgreSQL server above; server/test/postgres-replicas.test.ts runs two replicas on a real one',
  'npm pack': 'writes a tarball into the checkout; scripts/pack-check.sh packs and installs it in CI',
  'cd ../my-frontend && npm install -D ../mockgraph/mockgraph-0.1.0.tgz': 'installs into another project folder (scripts/pack-check.sh does this in CI)',
  'npm install -D "git+file://$(cd ../mockgraph && pwd)"': 'installs into another project folder, from a git clone',
  'npx mockgraph serve': 'a long-running server on port 4000; this test starts its own',
  'npx mockgraph contract --base-url http://localhost:4000 --reporter junit --out contract.xml': 'needs the installed package in another project; CI runs it in scripts/pack-check.sh',
  'npm start -- --port 5000 --auth jwt': 'a long-running server on a fixed port',
  'npx mockgraph serve --data ./sandbox.db --seed ./profiles.json --latency 50-200': 'a long-running server, with a seed file the reader writes',
  'npx mockgraph serve --https': 'a long-running HTTPS server that creates a local CA in the home folder (server/test/sdk-https.test.ts runs one)',
  'npx mockgraph cert': 'creates a local CA in the home folder',
  'NODE_EXTRA_CA_CERTS="$(npx mockgraph cert --path)" node app.js': "runs the reader's own app.js, trusting the local CA",
  'docker run -e MOCKGRAPH_HTTPS=true -e MOCKGRAPH_CA_DIR=/data/ca -v mockgraph-data:/data -p 4000:4000 mockgraph': 'needs a container engine (none here; CI uses podman through ../shared/tools/docker-check.sh)',
  'docker build -t mockgraph .': 'needs a container engine (none here; CI uses podman through ../shared/tools/docker-check.sh)',
  'docker run -p 4000:4000 -v mockgraph-data:/data mockgraph': 'needs a container engine (none here; CI uses podman through ../shared/tools/docker-check.sh)',
  'npx mockgraph serve --auth jwt --jwt-secret dev-secret': 'a long-running server with other settings than the one this test starts',
  'curl -s http://localhost:4000/beta/security/ipSecurityProfiles -H "Authorization: Bearer $(npx mockgraph token --scp SecurityEvents.Read.All --secret dev-secret)"': 'needs the --auth jwt server of the line before it',
  'npx mockgraph serve --seed seed.json': 'a long-running server, on the seed file the line before writes',
  'npx mockgraph serve --data ./sandbox.db': 'a long-running server keeping a SQLite file',
  'npx mockgraph serve --throttle 100/60 --fail-rate 0.1 --random-seed 2 --latency 50-300': 'a long-running server that fails requests on purpose',
  'ls my-pages/': "lists the reader's own folder of doc pages",
  'npx mockgraph import-docs --out my-schemas my-pages/*.md': "imports the reader's own doc pages",
  'npx mockgraph serve --schemas my-schemas': "a long-running server on the reader's imported schemas",
  'npx mockgraph contract --schemas my-schemas --docs my-pages': "replays the reader's own doc pages",
  'node bin/mockgraph.js import-docs --out schemas contract-tests/docs/beta && npm run generate': 'rewrites schemas/ and generated/ in the checkout (their drift tests keep them in step)',
  'node bin/mockgraph.js import-docs --check --out schemas contract-tests/docs/beta': 'reads the checkout; whether schemas/ agrees with the pages is what the import tests own',
  'npm run contract': "the contract suite over contract-tests/docs/ (npm test's contract project runs the same pages)",
  "npx mockgraph contract --base-url http://localhost:4000 --docs 'contract-tests/docs/**/*.md' --reporter junit --out contract.xml": "the contract suite against a server; CI runs it against a real mockgraph serve (.ci/run)",
  'npx mockgraph lint-docs contract-tests/docs/*.md': 'reads the checkout; contract-tests/src/lint.test.ts owns what it finds',
  'npx mockgraph lint-docs --json contract-tests/docs/add-ipsecurityprofiles.md': 'reads the checkout; contract-tests/src/lint.test.ts owns what it finds',
  'npm run lint-docs': 'builds, then lints contract-tests/docs/ (contract-tests/src/lint.test.ts owns what it finds)',
  'npm run bench': 'minutes of load against the built server and two baselines; its figures are docs/performance.md',
  'npm run bench:query': 'the query engine over 100,000 profiles, for minutes; its figures are docs/performance.md',
  'npm run bench:import': 'imports and start-ups measured several times over; its figures are docs/performance.md',
  "curl -s localhost:4000/_mockgraph/openapi.json > openapi.json && npx dredd openapi.json http://localhost:4000 --hookfiles=server/test/dredd-hooks.js --header='Authorization:Bearer dev'": 'Dredd replays 35 transactions; server/test runs the same replay against a real mockgraph serve',
};

/** Relative paths commands name that are not in the repository, and why. */
const NOT_REPO_PATHS: Record<string, string> = {
  'my-pages/': "the reader's own folder of doc pages",
  'my-pages/*.md': "the reader's own doc pages",
  './sandbox.db': 'the SQLite file the sandbox creates',
  './profiles.json': 'a seed file the reader writes (mockgraph seed)',
  'contract.xml': 'the JUnit report the command writes',
  'openapi.json': 'the description the command writes',
  'seed.json': 'the seed file mockgraph seed writes',
  'app.js': "the reader's own program",
  'security/ipSecurityProfiles': 'an entity-set path (--set), not a file',
};

// ---------------------------------------------------------------------------------------------------------------
// Markdown: pages, shell blocks, links

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** A fenced ```sh or ```bash block: where it is (`page:line` of its fence) and its text. */
interface ShellBlock {
  page: string;
  line: number;
  where: string;
  text: string;
}

function shellBlocks(page: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = text(page).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[2] ?? '```';
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence));
    const close = end === -1 ? lines.length : end;
    if (open[3] === 'sh' || open[3] === 'bash') blocks.push({ page, line: i + 1, where: `${page}:${i + 1}`, text: lines.slice(i + 1, close).join('\n') });
    i = close;
  }
  return blocks;
}

/** The page's text without fenced blocks and inline code: what a reader sees as prose, links included. */
function prose(page: string): string {
  return text(page).replace(/^[ \t]*(`{3,}|~{3,})[\s\S]*?^[ \t]*\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text(page).replace(/^(`{3,})[\s\S]*?^\1\s*$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = (m[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Shell: logical commands, words, simple commands

/** One shell word: its value once quotes are removed, and the command substitutions `$(…)` inside it. */
interface Word {
  value: string;
  subs: string[];
}

type Token = { word: Word } | { op: string };

/** Reads `$(` … the matching `)` from `s` at `i` (just after `$(`); returns the inner text and the index after. */
function substitution(s: string, i: number): [string, number] {
  let depth = 1;
  let j = i;
  for (; j < s.length && depth > 0; j++) depth += s[j] === '(' ? 1 : s[j] === ')' ? -1 : 0;
  return [s.slice(i, j - 1), j];
}

/** Splits one logical command into words and operators, as bash would (quotes, escapes, `$(…)`, comments). */
function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let word: Word | undefined;
  const flush = () => {
    if (word) tokens.push({ word });
    word = undefined;
  };
  const add = (chars: string) => {
    word ??= { value: '', subs: [] };
    word.value += chars;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (/\s/.test(c)) flush();
    else if (c === '#' && word === undefined) break;
    else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      add(s.slice(i + 1, end));
      i = end;
    } else if (c === '"') {
      add('');
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && '"$\\`'.includes(s[i + 1] ?? '')) add(s[++i] ?? '');
        else if (s[i] === '$' && s[i + 1] === '(') {
          const [inner, next] = substitution(s, i + 2);
          word!.subs.push(inner);
          add(`$(${inner})`);
          i = next - 1;
        } else add(s[i] ?? '');
      }
    } else if (c === '\\') add(s[++i] ?? '');
    else if (c === '$' && s[i + 1] === '(') {
      const [inner, next] = substitution(s, i + 2);
      add(`$(${inner})`);
      word!.subs.push(inner);
      i = next - 1;
    } else {
      const op = /^(&&|\|\||>>|<<|[|;&<>])/.exec(s.slice(i))?.[0];
      if (op === undefined) add(c);
      else {
        flush();
        tokens.push({ op });
        i += op.length - 1;
      }
    }
  }
  flush();
  return tokens;
}

/** A command between `|`, `&&`, `||`, `;` and `&`: leading assignments, its words, and the files it reads and writes. */
interface SimpleCommand {
  assignments: Word[];
  argv: Word[];
  writes: string[];
}

function simpleCommands(line: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let cmd: SimpleCommand = { assignments: [], argv: [], writes: [] };
  const tokens = tokenize(line);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('op' in t) {
      const target = tokens[i + 1];
      if (['>', '>>', '<', '<<'].includes(t.op) && target && 'word' in target) {
        if (t.op === '>' || t.op === '>>') cmd.writes.push(target.word.value);
        i++;
        continue;
      }
      out.push(cmd);
      cmd = { assignments: [], argv: [], writes: [] };
    } else if (cmd.argv.length === 0 && /^[A-Za-z_]\w*=/.test(t.word.value)) cmd.assignments.push(t.word);
    else cmd.argv.push(t.word);
  }
  out.push(cmd);
  return out.filter((c) => c.argv.length > 0 || c.assignments.length > 0);
}

/** Every simple command of a line, those inside `$(…)` included. */
function allSimpleCommands(line: string): SimpleCommand[] {
  return simpleCommands(line).flatMap((c) => [c, ...[...c.assignments, ...c.argv].flatMap((w) => w.subs.flatMap(allSimpleCommands))]);
}

/** A block's logical commands: continuation lines joined, heredoc bodies kept apart, comment lines dropped. */
interface Command {
  where: string;
  line: string;
  key: string;
}

function commands(block: ShellBlock): Command[] {
  const lines = block.text.split('\n');
  const out: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    const where = `${block.page}:${block.line + i + 1}`;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + (lines[++i] ?? '').trim();
    const heredoc = /<<-?\s*(['"]?)(\w+)\1/.exec(line);
    if (heredoc) while (i + 1 < lines.length && (lines[++i] ?? '').trim() !== heredoc[2]);
    const words = tokenize(line);
    const key = line.slice(0, commentStart(line)).replace(/\s+/g, ' ').trim();
    if (words.length > 0) out.push({ where, line, key });
  }
  return out;
}

/** Where a trailing `# comment` starts (outside quotes, after whitespace), else the line's length. */
function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return i;
  }
  return line.length;
}

// ---------------------------------------------------------------------------------------------------------------
// What a command is: a mockgraph invocation, an npm script, something this test can run

/** The argv after `mockgraph` of `mockgraph …`, `npx mockgraph …`, `node bin/mockgraph.js …` or `npm start -- …`. */
function mockgraphArgs(c: SimpleCommand): string[] | undefined {
  const v = c.argv.map((w) => w.value);
  if (v[0] === 'mockgraph') return v.slice(1);
  if (v[0] === 'npx' && v[1] === 'mockgraph') return v.slice(2);
  if (v[0] === 'node' && v[1] === 'bin/mockgraph.js') return v.slice(2);
  if (v[0] === 'npm' && v[1] === 'start' && v[2] === '--') return ['serve', ...v.slice(3)];
  return undefined;
}

/** The subcommand an argv runs (serve when it starts with a flag or is empty, as bin/mockgraph.js does). */
function subcommand(args: string[]): string {
  const first = args[0];
  if (first === '--help' || first === '--version') return first;
  return first === undefined || first.startsWith('-') ? 'serve' : first;
}

/** mockgraph commands this test runs: quick, offline, writing only into the working folder. */
const OFFLINE_COMMANDS = ['token', 'seed', 'openapi', 'version', 'help', '--help', '--version'];

/** True when the test can run this simple command: a curl to the server, a helper, or an offline mockgraph command. */
function runnable(c: SimpleCommand): boolean {
  const v = c.argv.map((w) => w.value);
  if (v.length === 0) return c.assignments.every((a) => a.subs.every((s) => simpleCommands(s).every(runnable)));
  const args = mockgraphArgs(c);
  // Through npx only: the test runs blocks in a scratch folder, where bin/mockgraph.js is not.
  if (args !== undefined) return v[0] === 'npx' && (OFFLINE_COMMANDS.includes(subcommand(args)) || (subcommand(args) === 'serve' && args.includes('--help')));
  if (v[0] === 'curl') return v.some((w) => w.includes('localhost:4000') || w.startsWith('$')) && c.argv.every((w) => w.subs.every((s) => simpleCommands(s).every(runnable)));
  return v[0] === 'tee' || v[0] === '[' || (v[0] === 'node' && v[1] === '-p');
}

/** A block is run when all its commands can be (they may depend on one another); else each is in STATIC_ONLY. */
const BLOCKS = PAGES.flatMap(shellBlocks).map((block) => {
  const cmds = commands(block);
  return { block, commands: cmds, runnable: cmds.length > 0 && cmds.every((cmd) => simpleCommands(cmd.line).every(runnable)) };
});
const ALL_COMMANDS = BLOCKS.flatMap((b) => b.commands);
const SIMPLE = ALL_COMMANDS.flatMap((cmd) => allSimpleCommands(cmd.line).map((simple) => ({ cmd, simple })));
const INVOCATIONS = SIMPLE.flatMap(({ cmd, simple }) => {
  const args = mockgraphArgs(simple);
  return args === undefined ? [] : [{ cmd, args }];
});

// ---------------------------------------------------------------------------------------------------------------
// The CLI: its commands and the flags each accepts, from its own --help

interface CliCommand {
  flags: Set<string>;
  /** `<command> --help` works, so a command line can be parsed as written by appending --help. */
  hasHelp: boolean;
}

function readCli(): Map<string, CliCommand> {
  const top = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  const entries = top.split(/^(?=  mockgraph )/m).slice(1);
  const cli = new Map<string, CliCommand>();
  for (const entry of entries) {
    const name = /^ {2}mockgraph (\S+)/.exec(entry)?.[1] ?? '';
    let help = '';
    try {
      help = name.startsWith('-') ? '' : execFileSync(process.execPath, [BIN, name, '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      help = '';
    }
    const hasHelp = help.startsWith(`mockgraph ${name}`);
    const flags = new Set([...(hasHelp ? help : entry).matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]));
    cli.set(name, { flags: new Set([...flags, '--help']), hasHelp });
  }
  // The top-level flags: `--help` printed the list; `--version` is accepted when it answers.
  cli.set('--help', { flags: new Set(['--help']), hasHelp: false });
  if (/^mockgraph \d/.test(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }))) cli.set('--version', { flags: new Set(['--version']), hasHelp: false });
  return cli;
}

// ---------------------------------------------------------------------------------------------------------------
// Repository paths

const REPO_FILES: string[] = (() => {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (['node_modules', '.git', 'dist'].includes(entry.name)) continue;
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      out.push(entry.isDirectory() ? `${path}/` : path);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk('');
  return out;
})();

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${body}/?$`);
}

/** True when a word reads as a relative path inside the repository: `a/b`, `./a`, `x.json`, globs. */
function repoPathLike(word: string): boolean {
  if (word.startsWith('/') || word.startsWith('../') || word.includes('$') || word.includes('://')) return false;
  if (!/[A-Za-z]/.test(word)) return false;
  return /^(\.\/)?[\w.*-]+(\/[\w.*-]*)+$/.test(word) || /^[\w*-][\w.*-]*\.(md|json|js|ts|db|xml|tgz|pem|crt|sh|html)$/.test(word);
}

function pathExists(path: string): boolean {
  const clean = normalize(path).replace(/\\/g, '/');
  if (!/[*?]/.test(clean)) return existsSync(join(ROOT, clean));
  const re = globToRegExp(clean);
  return REPO_FILES.some((f) => re.test(f));
}

// ---------------------------------------------------------------------------------------------------------------

describe('shell commands in README.md and docs/*.md', () => {
  let cli: Map<string, CliCommand>;
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'server', 'src', 'main.js'))) throw new Error('dist/ is missing: run npm run build first');
    cli = readCli();
  }, 60_000);

  test('every command of a block not run is listed in STATIC_ONLY, and every entry is still in a page', () => {
    expect(BLOCKS.length).toBeGreaterThan(20);
    const staticKeys = BLOCKS.filter((b) => !b.runnable).flatMap((b) => b.commands.map((c) => c.key));
    const unlisted = BLOCKS.filter((b) => !b.runnable).flatMap((b) => b.commands.filter((c) => !(c.key in STATIC_ONLY)).map((c) => `${c.where}: ${c.key}`));
    expect(unlisted).toEqual([]);
    expect(Object.keys(STATIC_ONLY).filter((k) => !staticKeys.includes(k))).toEqual([]);
  });

  test('every `npm run X`, in commands and in prose, names a script of package.json', () => {
    const scripts = (JSON.parse(text('package.json')) as { scripts: Record<string, string> }).scripts;
    const named = PAGES.flatMap((p) => [...text(p).matchAll(/npm run (?:-s |--silent )?([\w:-]+)/g)].map((m) => `${p}: ${m[1]}`));
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !(n.split(': ')[1]! in scripts))).toEqual([]);
    const lifecycle = SIMPLE.filter(({ simple }) => simple.argv[0]?.value === 'npm' && ['start', 'test'].includes(simple.argv[1]?.value ?? ''));
    expect(lifecycle.filter(({ simple }) => !(simple.argv[1]!.value in scripts)).map(({ cmd }) => cmd.key)).toEqual([]);
  });

  test('every npx package other than mockgraph is a dependency', () => {
    const pkg = JSON.parse(text('package.json')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies };
    const npx = SIMPLE.filter(({ simple }) => simple.argv[0]?.value === 'npx' && simple.argv[1]?.value !== 'mockgraph');
    expect(npx.filter(({ simple }) => !(simple.argv[1]!.value in deps)).map(({ cmd }) => cmd.key)).toEqual([]);
  });

  test('every mockgraph subcommand and flag is one the CLI accepts (from its --help)', () => {
    expect(INVOCATIONS.length).toBeGreaterThan(15);
    const bad = INVOCATIONS.flatMap(({ cmd, args }) => {
      const name = subcommand(args);
      const accepted = cli.get(name);
      if (accepted === undefined) return [`${cmd.where}: ${cmd.key}: no command '${name}' (commands: ${[...cli.keys()].join(', ')})`];
      return args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]!).filter((f) => !accepted.flags.has(f)).map((f) => `${cmd.where}: ${cmd.key}: ${name} has no flag ${f}`);
    });
    expect(bad).toEqual([]);
  });

  test('every mockgraph command line parses as written (run with --help appended)', async () => {
    const checked = INVOCATIONS.filter(({ args }) => cli.get(subcommand(args))?.hasHelp && !args.some((a) => a.includes('$(')));
    expect(checked.length).toBeGreaterThan(10);
    const failures: string[] = [];
    // Two at a time: the machine has two shared cores.
    for (let i = 0; i < checked.length; i += 2) {
      await Promise.all(
        checked.slice(i, i + 2).map(({ cmd, args }) =>
          run(process.execPath, [BIN, ...args, '--help'], { cwd: ROOT, timeout: 20_000 }).catch((err: { stderr?: string }) => failures.push(`${cmd.where}: ${cmd.key}: ${String(err.stderr ?? err).trim()}`)),
        ),
      );
    }
    expect(failures.sort()).toEqual([]);
  }, 120_000);

  test('every repository path a command names exists (globs match a file)', () => {
    const named = SIMPLE.flatMap(({ cmd, simple }) =>
      simple.argv.slice(1).flatMap((w) => {
        const value = w.value.startsWith('--') ? (w.value.split('=')[1] ?? '') : w.value;
        return repoPathLike(value) ? [{ cmd, path: value }] : [];
      }),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter(({ path }) => !(path in NOT_REPO_PATHS) && !pathExists(path)).map(({ cmd, path }) => `${cmd.where}: ${path}`)).toEqual([]);
    const used = new Set(named.map((n) => n.path));
    expect(Object.keys(NOT_REPO_PATHS).filter((p) => !used.has(p))).toEqual([]);
  });

  describe('the runnable blocks run against a real mockgraph serve', () => {
    let server: ChildProcess;
    let port = 0;
    const work = mkdtempSync(join(tmpdir(), 'mockgraph-readme-'));
    // A clean environment: no MOCKGRAPH_* settings of the caller's, and no config file in the working folder.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOCKGRAPH_') && k !== 'PORT'));
    beforeAll(async () => {
      server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--quiet'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      port = await new Promise<number>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /serving http:\/\/[^\s/]+:(\d+)\//.exec(out);
          if (m) resolve(Number(m[1]));
        });
        server.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
        server.once('exit', (code) => reject(new Error(`mockgraph serve exited with ${String(code)}: ${out}`)));
      });
    }, 30_000);
    afterAll(() => {
      server?.kill('SIGTERM');
      rmSync(work, { recursive: true, force: true });
    });

    const runnableBlocks = BLOCKS.filter((b) => b.runnable);
    test('there are runnable blocks in the README and in the query options page', () => {
      expect(runnableBlocks.some((b) => b.block.where.startsWith('README.md'))).toBe(true);
      expect(runnableBlocks.some((b) => b.block.where.startsWith('docs/query-options.md'))).toBe(true);
    });

    test.each(runnableBlocks.map((b) => [b.block.where, b.block.text] as const))('%s', async (_where, blockText) => {
      // Each block starts from the seed, as a reader who has just run npm start.
      const reset = await fetch(`http://127.0.0.1:${port}/_mockgraph/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      expect(reset.status).toBe(200);
      const cwd = mkdtempSync(join(work, 'block-'));
      // Only host:port is rewritten. curl fails on an error status and reports each status on stderr; npx mockgraph
      // is the checkout's CLI, as an installed package's would be.
      const script = [
        'set -euo pipefail',
        `curl() { command curl --fail-with-body -w '%{stderr}HTTP %{http_code}\\n' "$@"; }`,
        `npx() { if [ "$1" = mockgraph ]; then shift; node ${JSON.stringify(BIN)} "$@"; else command npx "$@"; fi; }`,
        blockText.replaceAll('localhost:4000', `127.0.0.1:${port}`),
      ].join('\n');
      const result = await run('bash', ['-c', script], { cwd, env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }).then(
        (r) => ({ code: 0, stderr: r.stderr, stdout: r.stdout }),
        (err: { code?: number; stderr?: string; stdout?: string }) => ({ code: err.code ?? -1, stderr: err.stderr ?? '', stdout: err.stdout ?? '' }),
      );
      const statuses = [...result.stderr.matchAll(/^HTTP (\d{3})$/gm)].map((m) => Number(m[1]));
      expect({ code: result.code, failed: statuses.filter((s) => s === 0 || s >= 400), out: result.code === 0 ? '' : `${result.stderr}\n${result.stdout.slice(-2000)}` }).toEqual({ code: 0, failed: [], out: '' });
      if (blockText.includes('curl')) expect(statuses.length).toBeGreaterThan(0);
    }, 90_000);
  });
});

describe('relative links in README.md and docs/*.md', () => {
  const links = PAGES.flatMap((page) =>
    [...prose(page).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => ({ page, target: m[1] ?? '' })).filter((l) => !/^[a-z]+:/i.test(l.target)),
  );

  test('every relative link names a file that exists, and every anchor a heading of it', () => {
    expect(links.length).toBeGreaterThan(40);
    const broken = links.filter(({ page, target }) => {
      const [file = '', anchor] = target.split('#');
      const path = file === '' ? page : relative(ROOT, join(ROOT, dirname(page), decodeURIComponent(file)));
      if (!existsSync(join(ROOT, path))) return true;
      return anchor !== undefined && (!path.endsWith('.md') || !anchors(path).has(anchor));
    });
    expect(broken.map(({ page, target }) => `${page}: ${target}`)).toEqual([]);
  });

  test('the README links every page of docs/', () => {
    const linked = new Set(links.filter((l) => l.page === 'README.md').map((l) => l.target.split('#')[0]));
    expect(PAGES.filter((p) => p.startsWith('docs/') && !linked.has(p))).toEqual([]);
  });
});
