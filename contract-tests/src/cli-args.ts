import { parseArgs } from 'node:util';
import { nearMiss } from '../../server/src/index';

/** The options of one of the commands contract-tests runs (`contract`, `lint-docs`, `import-docs`). */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Node's parseArgs errors in the words `mockgraph serve` uses: the option, what is wrong, where options are listed. */
function usageMessage(command: string, err: Error & { code?: string }, options: OptionSpecs): string {
  const seeHelp = `(mockgraph ${command} --help lists its options)`;
  const unknown = /^Unknown option '([^']+)'/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const given = unknown[1] as string;
    const close = given.startsWith('--') ? nearMiss(given.slice(2).split('=')[0] ?? '', Object.keys(options)) : undefined;
    return `unknown option '${given}' ${seeHelp}${close === undefined ? '' : `; did you mean --${close}?`}`;
  }
  const missing = /^Option '(?:-\w, )?--([^ ']+) <value>' argument missing/.exec(err.message);
  if (missing) return `--${missing[1]} needs a value ${seeHelp}`;
  const valueless = /^Option '(?:-\w, )?--([^ ']+)' does not take an argument/.exec(err.message);
  if (valueless) return `--${valueless[1]} takes no value`;
  return err.message;
}

/** Parses a command's options and its positional arguments (pages, folders, globs); throws an Error of one line. */
export function parseCommandArgs<T extends OptionSpecs>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new Error(usageMessage(command, err as Error & { code?: string }, options));
  }
}
