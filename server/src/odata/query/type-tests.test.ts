import { CEILING, derivedSchemaDir, MOUNT, SENSOR, THERMAL, WALL } from '../../../test/derived-schemas';
import { RECORDED_TYPE } from '../../graph/derived-types';
import { loadGraphDefinition } from '../../graph/registry';
import { castPathGetter, castTarget, compileTypeTest, typeTestFor } from './type-tests';

const { model } = loadGraphDefinition([derivedSchemaDir()]);
const type = (name: string) => model.resolveType(name)!;

describe('type tests', () => {
  test('a value passes when the type it records derives from the tested type, or, recording none, its declared type does', () => {
    const wall = compileTypeTest(typeTestFor(type(WALL), type(MOUNT), model));
    const mount = compileTypeTest(typeTestFor(type(MOUNT), type(MOUNT), model));
    expect([wall({ [RECORDED_TYPE]: WALL }), wall({ [RECORDED_TYPE]: CEILING }), wall({}), wall(null), wall([{ [RECORDED_TYPE]: WALL }])]).toEqual([true, false, false, false, false]);
    expect([mount({ [RECORDED_TYPE]: WALL }), mount({})]).toEqual([true, true]);
    const test = typeTestFor(type(WALL), type(MOUNT), model);
    expect(compileTypeTest(test)).toBe(compileTypeTest(test));
  });

  test('a cast path reads null past a failed cast and filters a collection to the items that pass', () => {
    const thermal = { at: 0, test: typeTestFor(type(THERMAL), type(SENSOR), model) };
    const walls = { at: 1, test: typeTestFor(type(WALL), type(MOUNT), model) };
    const mounts = castPathGetter(['mounts'], [thermal, walls]);
    const entity = { [RECORDED_TYPE]: THERMAL, mounts: [{ [RECORDED_TYPE]: WALL, heightCm: 1 }, { label: 'x' }] };
    expect(mounts(entity)).toEqual([{ [RECORDED_TYPE]: WALL, heightCm: 1 }]);
    expect(mounts({ mounts: [] })).toBeNull();
    expect(castPathGetter(['maxCelsius'], [thermal])({ [RECORDED_TYPE]: THERMAL })).toBeNull();
  });

  test('a cast must name the declared type or a type derived from it', () => {
    expect(castTarget('microsoft.graph.THERMALSENSOR', type(SENSOR), model).name).toBe(THERMAL);
    expect(() => castTarget(SENSOR, type(THERMAL), model)).toThrow(`Encountered invalid type cast. '${SENSOR}' is not assignable from '${THERMAL}'`);
    expect(() => castTarget('microsoft.graph.none', type(SENSOR), model)).toThrow("The type 'microsoft.graph.none' is not defined in the model");
  });
});
