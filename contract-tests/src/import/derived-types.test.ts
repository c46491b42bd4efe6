import { commonBase, isOrDerivesFrom, namedSubtype, pageSubtype } from './derived-types';
import type { TypeHierarchy } from './derived-types';
import { toImportPage } from './pages';

const BASES: Record<string, string> = { 'microsoft.graph.iplocation': 'microsoft.graph.namedLocation', 'microsoft.graph.countrylocation': 'microsoft.graph.namedLocation', 'microsoft.graph.namedlocation': 'microsoft.graph.entity' };
const NAMES = ['microsoft.graph.namedLocation', 'microsoft.graph.ipLocation', 'microsoft.graph.countryLocation', 'microsoft.graph.entity', 'microsoft.graph.widget'];
const h: TypeHierarchy = {
  find: (name) => NAMES.find((n) => n.toLowerCase() === name.toLowerCase() || n.toLowerCase() === `microsoft.graph.${name}`.toLowerCase()),
  baseOf: (type) => BASES[type.toLowerCase()],
};
const SET = 'microsoft.graph.namedLocation';
const page = (title: string) => toImportPage('p.md', `---\ntitle: "${title}"\n---\n\n# ${title}\n`, true, []);

describe('derived types before base types are final', () => {
  test('isOrDerivesFrom follows the named bases, case-insensitively', () => {
    expect([isOrDerivesFrom(h, 'microsoft.graph.ipLocation', 'microsoft.graph.NAMEDLOCATION'), isOrDerivesFrom(h, 'microsoft.graph.ipLocation', 'microsoft.graph.entity'), isOrDerivesFrom(h, SET, 'microsoft.graph.ipLocation')]).toEqual([true, true, false]);
  });

  test("a body's @odata.type counts when it names the declared type or one derived from it", () => {
    expect(namedSubtype(h, { '@odata.type': '#microsoft.graph.iplocation' }, SET)).toBe('microsoft.graph.ipLocation');
    expect(namedSubtype(h, { '@odata.type': 'microsoft.graph.widget' }, SET)).toBeUndefined();
    expect(namedSubtype(h, { '@odata.type': 'microsoft.graph.unknown' }, SET)).toBeUndefined();
    expect(namedSubtype(h, { name: 'x' }, SET)).toBeUndefined();
  });

  test("a page's type: the one type its bodies name, else (no body names one) its title, else the set's type", () => {
    const ip = { '@odata.type': '#microsoft.graph.ipLocation' };
    const country = { '@odata.type': '#microsoft.graph.countryLocation' };
    expect(pageSubtype(h, page('Create namedLocation'), [ip, { ...ip, a: 1 }], SET)).toBe('microsoft.graph.ipLocation');
    expect(pageSubtype(h, page('Create namedLocation'), [ip, country], SET)).toBe(SET);
    expect(pageSubtype(h, page('Update countryLocation'), [ip], SET)).toBe('microsoft.graph.ipLocation');
    expect(pageSubtype(h, page('Update countryLocation'), [{ '@odata.type': 'microsoft.graph.widget' }], SET)).toBe(SET);
    expect(pageSubtype(h, page('Update countrylocation'), [{ a: 1 }], SET)).toBe('microsoft.graph.countryLocation');
    expect(pageSubtype(h, page('Create a countryLocation'), [], SET)).toBe('microsoft.graph.countryLocation');
    expect(pageSubtype(h, page('Update widget'), [], SET)).toBe(SET);
    expect(pageSubtype(h, page('Get ipLocation'), [], SET)).toBe(SET);
  });

  test("an entity set's type: the nearest type all its pages' types are or derive from, microsoft.graph.entity aside", () => {
    expect(commonBase(h, ['microsoft.graph.ipLocation', 'microsoft.graph.countryLocation'])).toBe(SET);
    expect(commonBase(h, ['microsoft.graph.ipLocation', SET, 'microsoft.graph.iplocation'])).toBe(SET);
    expect(commonBase(h, ['microsoft.graph.ipLocation'])).toBe('microsoft.graph.ipLocation');
    expect(commonBase(h, [SET, 'microsoft.graph.widget'])).toBeUndefined();
    expect(commonBase(h, ['microsoft.graph.ipLocation', 'microsoft.graph.entity'])).toBeUndefined();
  });
});
