import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './flags';

/** What an output flag names: a file the command writes, or a folder it writes files into. */
export type OutputKind = 'file' | 'folder';

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'part of that path is a file, not a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  return (err as Error).message;
}

/** The closest folder of `path` (or `path` itself) that exists. */
function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/**
 * Makes sure a command can write its output before it does any work: the folder of an output file is created
 * (mkdir -p); an output folder must be creatable (the command creates it as it writes). Throws a UsageError of
 * one line naming the flag otherwise.
 */
export function prepareOutput(flag: string, path: string, kind: OutputKind): void {
  const target = resolve(path);
  const is = existsSync(target) ? (statSync(target).isDirectory() ? 'folder' : 'file') : undefined;
  if (is !== undefined && is !== kind) throw new UsageError(`${flag} ${path} is a ${is}; give ${kind === 'file' ? 'the file to write' : 'the folder to write into'}`);
  const folder = kind === 'file' ? dirname(target) : target;
  if (kind === 'file') {
    try {
      mkdirSync(folder, { recursive: true });
    } catch (err) {
      throw new UsageError(`${flag} ${path}: cannot create the folder ${dirname(path)} (${reason(err)})`);
    }
  } else if (is === undefined) {
    const base = nearestExisting(folder);
    if (!statSync(base).isDirectory()) throw new UsageError(`${flag} ${path}: cannot create that folder (${reason({ code: 'ENOTDIR' })})`);
  }
  const writable = is === 'file' ? target : nearestExisting(folder);
  try {
    accessSync(writable, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot write there (${reason(err)})`);
  }
}

/** The value of each `--name VALUE` / `--name=VALUE` in argv (the last one of a repeated flag), before `--`. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') break;
    if (arg === `--${name}`) found = argv[i + 1];
    else if (arg.startsWith(`--${name}=`)) found = arg.slice(name.length + 3);
  }
  return found;
}

/** Prepares every output flag of `outputs` that argv gives, unless it asks for --help; for commands main.ts does not parse. */
export function prepareOutputs(argv: readonly string[], outputs: Readonly<Record<string, OutputKind>>): void {
  if (argv.some((a) => a === '--help' || a === '-h')) return;
  for (const [name, kind] of Object.entries(outputs)) {
    const value = flagValue(argv, name);
    if (value !== undefined && !value.startsWith('-')) prepareOutput(`--${name}`, value, kind);
  }
}
