/** One flag of a command: how it parses and how `--help` shows it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** Repeatable: every value is kept, in order. */
  multiple?: boolean;
  /** The placeholder `--help` shows after a string flag, e.g. `N` or `FILE`. */
  valueName?: string;
  description: string;
}

/** A command's flags, keyed by name without the dashes. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
/** Parsed flags: a string, the strings of a repeatable flag, or true for a switch. */
export type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** Bad command-line input: the message is the one line the user sees. */
export class UsageError extends Error {}

/** `-10`, `-0.5`, `-1e3`: a value, never a flag. */
const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Rewrites `--name -10` as `--name=-10`, so a negative number is read as the flag's value (Node's parseArgs, which
 * the contract commands use, would take it for a flag). Stops at `--`.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (/^--[^=]+$/.test(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * The arguments as every command reads them: `help COMMAND` becomes `COMMAND --help`, `-h` becomes `--help`, and a
 * negative number after a flag is that flag's value. Applying it twice changes nothing.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const [first, second, ...rest] = argv;
  const args = first === 'help' && second !== undefined && !second.startsWith('-') ? [second, '--help', ...rest] : argv;
  const joined = joinNegativeValues(args);
  const end = joined.indexOf('--');
  return joined.map((a, i) => (a === '-h' && (end === -1 || i < end) ? '--help' : a));
}

/** Edits from a to b: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known name `name` is probably a typo of (a few letters off, or its start), if any. */
export function nearMiss(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return known.find((k) => distance(lower, k.toLowerCase()) <= Math.max(1, Math.floor(k.length / 4)) || (lower.length >= 3 && k.toLowerCase().startsWith(lower)));
}

/** `; did you mean --x?` for a near miss of a known flag, else nothing. */
function suggestion(name: string, specs: FlagSpecs): string {
  const close = nearMiss(name, Object.keys(specs));
  return close === undefined ? '' : `; did you mean --${close}?`;
}

/**
 * Parses the flags of `mockgraph <command>`: `--name value`, `--name=value` (a value may be a negative number),
 * booleans without a value, `-h` for `--help`. The command takes no positional arguments. Throws a UsageError in
 * plain words: the flag, what is wrong and where the command's options are listed.
 */
export function parseFlags(command: string, argv: readonly string[], specs: FlagSpecs): FlagValues {
  const all: FlagSpecs = { ...specs, help: { type: 'boolean', description: 'this text' } };
  const seeHelp = `(mockgraph ${command} --help lists its options)`;
  const values: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h') {
      values.help = true;
      continue;
    }
    const m = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (arg === '--' || !m) {
      const given = arg === '--' ? argv[i + 1] : arg;
      if (given === undefined) continue;
      throw new UsageError(arg.startsWith('-') && arg !== '--' ? `unknown option '${arg}' ${seeHelp}` : `unexpected argument '${given}': mockgraph ${command} takes only options ${seeHelp}`);
    }
    const name = m[1] as string;
    const spec = all[name];
    if (spec === undefined) throw new UsageError(`unknown option '--${name}' ${seeHelp}${suggestion(name, all)}`);
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value (got '--${name}=${m[2]}')`);
      value = true;
    } else if (m[2] !== undefined) {
      value = m[2];
    } else {
      const next = argv[i + 1];
      const shown = `--${name} ${spec.valueName ?? 'VALUE'}`;
      if (next === undefined || next === '--' || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${name} needs a value: ${shown}`);
      if (next.startsWith('-') && next !== '-' && !NEGATIVE_NUMBER.test(next)) throw new UsageError(`--${name} needs a value: ${shown} (to give one that starts with '-', write --${name}=${next})`);
      value = next;
      i++;
    }
    const before = values[name];
    values[name] = spec.multiple ? [...(Array.isArray(before) ? before : []), String(value)] : value;
  }
  return values;
}

/** The last value given for a flag (a repeated single-valued flag: the last one wins). */
export function lastValue(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return Array.isArray(v) ? v[v.length - 1] : typeof v === 'string' ? v : undefined;
}

/** The option rows of a command's `--help`: flag and placeholder, then the description, aligned. */
export function flagRows(specs: FlagSpecs, width = 26): string[] {
  const all: FlagSpecs = { ...specs, help: { type: 'boolean', description: 'this text (also -h)' } };
  const rows = Object.entries(all).map(([name, s]) => {
    const flag = `--${name}${s.type === 'string' ? ` ${s.valueName ?? 'VALUE'}` : ''}${s.multiple ? ' …' : ''}`;
    const [first, ...more] = s.description.split('\n');
    return [`  ${flag.padEnd(width)} ${first ?? ''}`, ...more.map((line) => `  ${''.padEnd(width)} ${line}`)];
  });
  return rows.flat();
}
