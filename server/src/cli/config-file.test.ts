import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { CONFIG_SCHEMA_FILE, parseConfigFile } from './config-file';
import { resolveSettings, SETTINGS } from './settings';

/** The message a flag with the same value gets, with the flag replaced by the file's key. */
function flagMessage(flag: string, value: string, key: string): string {
  try {
    resolveSettings({ flags: { [flag]: value }, env: {}, file: undefined, fileName: undefined });
  } catch (err) {
    return (err as Error).message.replace(`--${flag}`, `c.json: "${key}"`);
  }
  throw new Error(`--${flag} ${value} was accepted`);
}

describe('mockgraph.config.json', () => {
  test('a valid file parses', () => {
    expect(parseConfigFile('{"port": 5000, "corsOrigin": ["https://a.example"], "quiet": true}', 'c.json')).toEqual({ port: 5000, corsOrigin: ['https://a.example'], quiet: true });
  });

  test.each([
    ['{"prot": 5000}', 'c.json: unknown key "prot"; did you mean "port"?'],
    ['{"colour": "red"}', 'c.json: unknown key "colour"'],
    ['{"port": "5000"}', 'c.json: "port" must be a whole number, not the string "5000"'],
    ['{"https": 1}', 'c.json: "https" must be true or false, not the number 1'],
    ['{"schemas": 3}', 'c.json: "schemas" must be a string or a list of strings, not the number 3'],
    ['{"schemas": ["a", ""]}', 'c.json: "schemas" entry 2 must not be empty'],
    ['{"adminToken": 123456789012345}', 'c.json: "adminToken" must be a string, not the number 123456789012345'],
    ['[1]', 'c.json: must be a JSON object of settings, such as { "port": 4000 }, not a list'],
    ['{"port": 5000,}', 'c.json: not valid JSON'],
  ])('%s is refused in plain words', (text, message) => {
    expect(() => parseConfigFile(text, 'c.json')).toThrow(message);
  });

  test.each([
    ['latency', 'latency', '300-'],
    ['throttle', 'throttle', 'ten'],
    ['port', 'port', 70000],
    ['auth', 'auth', 'basic'],
    ['validation', 'validation', 'strict'],
    ['failRate', 'fail-rate', 2],
    ['randomSeed', 'random-seed', -1],
    ['bodyLimit', 'body-limit', '1tb'],
    ['maxDataSize', 'max-data-size', 12],
    ['pageSize', 'page-size', 0],
    ['host', 'host', ''],
  ])('"%s": a value the flag refuses gets the flag\'s message, never a pattern or a schema keyword', (key, flag, value) => {
    let message = '';
    try {
      parseConfigFile(JSON.stringify({ [key]: value }), 'c.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(flagMessage(flag, String(value), key));
    expect(message).not.toMatch(/\^|\$"|\\d|pattern|must match|NOT have|equal to one of|allowed values/);
  });

  test('a secret is never repeated', () => {
    expect(() => parseConfigFile('{"adminToken": "short"}', 'c.json')).toThrow(/^c\.json: "adminToken" must be at least 12 characters long$/);
    expect(() => parseConfigFile('{"jwtSecret": ""}', 'c.json')).toThrow(/^c\.json: "jwtSecret" must not be empty$/);
  });

  test('the shipped schema has one key per setting', () => {
    const schema = JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_FILE), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties).filter((k) => k !== '$schema').sort()).toEqual(SETTINGS.map((s) => s.key).sort());
  });
});
