import { checkJsonBytes, MAX_BODY_DEPTH } from './json-guard';

const check = (text: string | Buffer) => () => checkJsonBytes(typeof text === 'string' ? Buffer.from(text) : text);
const twice = (key: string) => `The request body has the property '${key}' more than once in one object.`;

describe('checkJsonBytes', () => {
  test('accepts distinct keys, the same key in different objects, and keys that only look alike', () => {
    expect(check('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}],"ab":"a","é":1,"e":2}')).not.toThrow();
    expect(check('{"a":"\\"a\\"","k\\\\":1,"k":2}')).not.toThrow();
  });

  test('refuses a repeated key, compared after unescaping, in small and large objects', () => {
    expect(check('{"a":1,"b":2,"a":3}')).toThrow(twice('a'));
    expect(check('{"ab":1,"a\\u0062":2}')).toThrow(twice('ab'));
    expect(check('{"\\u00e9":1,"é":2}')).toThrow(twice('é'));
    const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(check(`{${many},"k7":0}`)).toThrow(twice('k7'));
    expect(check(`{${many},"x":{"k7":0}}`)).not.toThrow();
    expect(check(`{"x":{${many}},"k7":0,"x":1}`)).toThrow(twice('x'));
  });

  test('refuses invalid UTF-8 and nesting past the limit; leaves malformed JSON to the parser', () => {
    expect(check(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow('The request body is not valid UTF-8.');
    expect(check('['.repeat(MAX_BODY_DEPTH + 1))).toThrow(`nested deeper than ${MAX_BODY_DEPTH} levels`);
    expect(check('{"a\\x":1,"a\\x":2}')).not.toThrow();
    expect(check('}}]{"a":1,"b')).not.toThrow();
  });
});
