import { parseCommandArgs } from './cli-args';

const OPTIONS = { format: { type: 'string' }, json: { type: 'boolean' }, docs: { type: 'string', multiple: true } } as const;
const refusal = (argv: string[]) => {
  try {
    parseCommandArgs('lint-docs', argv, OPTIONS);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('parseCommandArgs', () => {
  test('reads options and positional arguments', () => {
    const { values, positionals } = parseCommandArgs('lint-docs', ['--json', '--docs', 'a', 'page.md', '--docs=b'], OPTIONS);
    expect(values).toEqual({ json: true, docs: ['a', 'b'] });
    expect(positionals).toEqual(['page.md']);
  });

  test('an unknown option is named, with where the options are listed and a near miss when there is one', () => {
    expect(refusal(['--fromat', 'x'])).toBe("unknown option '--fromat' (mockgraph lint-docs --help lists its options); did you mean --format?");
    expect(refusal(['--fromat=x'])).toBe("unknown option '--fromat' (mockgraph lint-docs --help lists its options); did you mean --format?");
    expect(refusal(['--colour'])).toBe("unknown option '--colour' (mockgraph lint-docs --help lists its options)");
    expect(refusal(['-x'])).toBe("unknown option '-x' (mockgraph lint-docs --help lists its options)");
  });

  test('a missing value and a value given to a switch say so in one line', () => {
    expect(refusal(['--format'])).toBe('--format needs a value (mockgraph lint-docs --help lists its options)');
    expect(refusal(['--json=yes'])).toBe('--json takes no value');
  });
});
