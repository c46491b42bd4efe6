import { derivedSchemaDir, SENSOR, SENSORS_PATH, THERMAL, WALL } from '../../test/derived-schemas';
import { loadGraphDefinition } from '../graph/registry';
import { parseResourcePath } from './resource-path';

const { model } = loadGraphDefinition();
const parse = (path: string) => {
  const { version, target } = parseResourcePath(path, model);
  return { version, kind: target.kind, key: 'key' in target ? target.key : undefined };
};
const failure = (path: string) => {
  try {
    parseResourcePath(path, model);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${path} parsed`);
};

describe('parseResourcePath', () => {
  test.each([
    ['/beta/security/ipSecurityProfiles', 'collection', undefined],
    ['/beta/security/ipSecurityProfiles/', 'collection', undefined],
    ['/beta/Security/IPSecurityProfiles', 'collection', undefined],
    ['/BETA/security/ipSecurityProfiles', 'collection', undefined],
    ['/beta/security/ipSecurityProfiles/abc', 'entity', 'abc'],
    ['/beta/security/ipSecurityProfiles/ABC', 'entity', 'ABC'],
    ["/beta/security/ipSecurityProfiles('abc')", 'entity', 'abc'],
    ["/beta/security/ipSecurityProfiles(id='it''s')", 'entity', "it's"],
    ['/beta/security/ipSecurityProfiles%28%27abc%27%29', 'entity', 'abc'],
    ['/beta/security/ipSecurityProfiles/a%2Fb', 'entity', 'a/b'],
    ['/beta/security/ipSecurityProfiles/$count', 'count', undefined],
    ['/beta/security/ipSecurityProfiles/$ref', 'collection-ref', undefined],
    ['/beta/security/ipSecurityProfiles/abc/$ref', 'entity-ref', 'abc'],
    ["/beta/security/ipSecurityProfiles('abc')/$ref", 'entity-ref', 'abc'],
  ])('%s → %s %s', (path, kind, key) => {
    expect(parse(path)).toEqual({ version: 'beta', kind, key });
  });

  test.each([
    ['/v1.0/security/ipSecurityProfiles', "Resource not found for the segment 'ipSecurityProfiles'."],
    ['/v2/security/ipSecurityProfiles', 'Invalid version: v2'],
    ['/', 'Invalid version: '],
    ['/beta', 'The request URL names no resource below the version root.'],
    ['/beta/users', "Resource not found for the segment 'users'."],
    ['/beta/security', "Resource not found for the segment 'security'."],
    ['/beta/security/alerts', "Resource not found for the segment 'alerts'."],
    ['/beta/security/ipSecurityProfiles/abc/extra', "Resource not found for the segment 'extra'."],
    ['/beta/security/ipSecurityProfiles/abc/$count', "Resource not found for the segment '$count'."],
    ['/beta/security/ipSecurityProfiles(abc)', 'Bad key predicate'],
    ['/beta/security/ipSecurityProfiles/%E0%A4%A', "The URL segment '%E0%A4%A' is not valid percent-encoding."],
  ])('%s is refused: %s', (path, message) => {
    expect(failure(path)).toContain(message);
  });
});

describe('parseResourcePath: type casts of a collection', () => {
  const derived = loadGraphDefinition([derivedSchemaDir()]).model;
  const target = (path: string) => parseResourcePath(path, derived).target;

  test('a segment naming the set type or a derived type casts the collection; /$count counts it', () => {
    expect(target(`/beta/${SENSORS_PATH}/${THERMAL}`)).toMatchObject({ kind: 'collection', cast: THERMAL });
    expect(target(`/beta/${SENSORS_PATH}/microsoft.graph.THERMALSENSOR/`)).toMatchObject({ kind: 'collection', cast: THERMAL });
    expect(target(`/beta/${SENSORS_PATH}/${SENSOR}/$count`)).toMatchObject({ kind: 'count', cast: SENSOR });
    expect(target(`/beta/${SENSORS_PATH}`)).toEqual({ kind: 'collection', set: expect.anything() });
  });

  test('a qualified name of another type is a key; what follows a cast is refused', () => {
    expect(target(`/beta/${SENSORS_PATH}/${WALL}`)).toMatchObject({ kind: 'entity', key: WALL });
    expect(() => target(`/beta/${SENSORS_PATH}/${THERMAL}/abc`)).toThrow(`The segment 'abc' after the type cast '${THERMAL}' is not supported`);
  });
});
