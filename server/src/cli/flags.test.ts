import { joinNegativeValues, lastValue, normalizeArgv, parseFlags } from './flags';
import type { FlagSpecs } from './flags';

const SPECS: FlagSpecs = {
  count: { type: 'string', valueName: 'N', description: 'how many' },
  'expires-in': { type: 'string', valueName: 'SECONDS', description: 'lifetime' },
  schemas: { type: 'string', multiple: true, valueName: 'DIR', description: 'folders' },
  quiet: { type: 'boolean', description: 'no log' },
};
const parse = (...argv: string[]) => parseFlags('demo', argv, SPECS);

describe('parseFlags', () => {
  test('--name value, --name=value, switches, repeatable flags; the last value of a single flag wins', () => {
    expect(parse('--count', '3', '--expires-in=60', '--quiet', '--schemas', 'a', '--schemas=b', '--count', '4')).toEqual({ count: '4', 'expires-in': '60', quiet: true, schemas: ['a', 'b'] });
    expect(lastValue(parse('--schemas', 'a', '--schemas', 'b'), 'schemas')).toBe('b');
  });

  test.each([['-10'], ['-0.5'], ['-1e3'], ['-.5']])('a negative number %s is a value, as the next argument or after =', (n) => {
    expect(parse('--expires-in', n)['expires-in']).toBe(n);
    expect(parse(`--expires-in=${n}`)['expires-in']).toBe(n);
  });

  test('-h and --help ask for help on every command', () => {
    expect(parse('-h').help).toBe(true);
    expect(parseFlags('other', ['--help'], {}).help).toBe(true);
  });

  test.each([
    [['--bogus'], "unknown option '--bogus' (mockgraph demo --help lists its options)"],
    [['--cont', '1'], "unknown option '--cont' (mockgraph demo --help lists its options); did you mean --count?"],
    [['--expries-in', '1'], 'did you mean --expires-in?'],
    [['-x'], "unknown option '-x'"],
    [['extra'], "unexpected argument 'extra': mockgraph demo takes only options"],
    [['--count'], '--count needs a value: --count N'],
    [['--count', '--quiet'], '--count needs a value: --count N'],
    [['--count', '-x'], "--count needs a value: --count N (to give one that starts with '-', write --count=-x)"],
    [['--quiet=yes'], "--quiet takes no value (got '--quiet=yes')"],
  ])('%j is refused in one plain line', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message);
  });
});

describe('normalizeArgv', () => {
  test('help COMMAND is COMMAND --help; -h is --help; a negative number joins its flag; twice changes nothing', () => {
    expect(normalizeArgv(['help', 'token'])).toEqual(['token', '--help']);
    expect(normalizeArgv(['contract', '-h'])).toEqual(['contract', '--help']);
    expect(normalizeArgv(['token', '--expires-in', '-10', '--', '-h'])).toEqual(['token', '--expires-in=-10', '--', '-h']);
    const once = normalizeArgv(['help', 'seed', '--count', '-1']);
    expect(normalizeArgv(once)).toEqual(once);
  });

  test('joinNegativeValues leaves everything else alone', () => {
    expect(joinNegativeValues(['--out', '-x', '--n', '5', '-10'])).toEqual(['--out', '-x', '--n', '5', '-10']);
  });
});
