import { generateProfiles } from '../../seed/generate';
import { toStoredEntity } from '../../graph/entity-shape';
import { compileFilter, compileSearch, firstSorted, projectEntity, sortEntities } from './apply';
import { parseFilter } from './filter-parser';
import { parseOrderBy } from './parse';
import { MODEL, PROFILE, PROFILES } from './test-data';

const ids = (list: ReadonlyArray<{ id: string }>) => list.map((e) => e.id).join('');
const filter = (text: string) => ids(PROFILES.filter(compileFilter(parseFilter(text, PROFILE, MODEL))));
const order = (text: string) => ids(sortEntities(PROFILES, parseOrderBy(text, PROFILE, MODEL)));

describe('evaluating $filter', () => {
  test.each([
    ["address eq '10.0.0.1'", 'a'],
    ["address ne '10.0.0.1'", 'bcd'],
    ['address eq null', 'c'],
    ['address ne null', 'abd'],
    ['countHits gt 5', 'b'],
    ['countHits ge 5', 'ab'],
    ['countHits lt 5', 'd'],
    ['countHits le 0', 'd'],
    ['countHits gt 4.5', 'ab'],
    ['countHits lt 1000 and countHits gt 1', 'ab'],
    ['countHits eq 0 or countHits eq 50', 'bd'],
    ['not (countHits gt 1)', 'cd'],
    ["address in ('10.0.0.2', 'host.EXAMPLE.com', 'nowhere')", 'bd'],
    ["startswith(address, '10.0')", 'ab'],
    ["endswith(address, '.com')", 'd'],
    ["contains(address, 'example')", ''],
    ["contains(tolower(address), 'example')", 'd'],
    ["toupper(vendorInformation/provider) eq 'CONTOSO'", 'ad'],
    ["vendorInformation/provider eq 'Contoso'", 'a'],
    ['vendorInformation/provider eq null', 'c'],
    ["riskScore eq 'O''Brien'", 'c'],
    ["tags/any(t: t eq 'x')", 'ad'],
    ["tags/all(t: t eq 'x')", 'bd'],
    ['tags/any()', 'acd'],
    ['not tags/any()', 'b'],
    ["ipCategories/any(c: c/name eq 'Botnet')", 'ac'],
    ["ipCategories/all(c: c/name eq 'Botnet')", 'ab'],
    ['ipCategories/any(c: c/name eq null)', 'd'],
    ["ipCategories/any(c: tags/any(t: t eq 'y') and c/name eq 'TOR')", 'c'],
    // The doc's value is 2016-12-31T23:57:27.0365895+03:00, i.e. 20:57:27.0365895Z: compared as instants.
    ['firstSeenDateTime ge 2016-12-31T00:00:00Z', 'abd'],
    ['firstSeenDateTime gt 2016-12-31T20:57:27Z', 'ad'],
    ['firstSeenDateTime eq 2016-12-31T20:57:27.0365895Z', 'a'],
    ['firstSeenDateTime lt 2016-12-31T20:57:27.0365896Z', 'ab'],
    ['firstSeenDateTime lt 2017-01-01T03:00:00+03:00', 'ab'],
    ['firstSeenDateTime eq null', 'c'],
  ])('%s → %s', (text, expected) => {
    expect(filter(text)).toBe(expected);
  });
});

describe('evaluating $orderby', () => {
  test.each([
    ['countHits', 'cdab'],
    ['countHits desc', 'badc'],
    ['address', 'cabd'],
    ['vendorInformation/provider', 'cabd'], // ordinal: 'C' < 'F' < 'c',
    ['firstSeenDateTime', 'cbad'],
    ['firstSeenDateTime desc', 'dabc'],
    ['riskScore asc, countHits desc', 'badc'],
  ])('%s → %s (nulls first ascending)', (text, expected) => {
    expect(order(text)).toBe(expected);
  });

  test('ties keep store order', () => {
    expect(order('azureTenantId')).toBe('abcd');
    expect(order('azureTenantId desc')).toBe('abcd');
  });

  test('firstSorted returns what a full sort would, for every k', () => {
    const many = generateProfiles(300, 7).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL));
    const keys = parseOrderBy('riskScore desc, lastSeenDateTime', PROFILE, MODEL);
    const full = ids(sortEntities(many, keys).map((e) => ({ id: `${e.id},` })));
    for (const k of [0, 1, 10, 150, 300, 400]) {
      expect(ids(firstSorted(many, keys, k).map((e) => ({ id: `${e.id},` })))).toBe(full.split(',').slice(0, Math.min(k, 300)).map((s) => `${s},`).join(''));
    }
  });
});

describe('$search and $select', () => {
  test('$search matches any declared string value, case-insensitively, at any depth', () => {
    const search = (term: string) => ids(PROFILES.filter(compileSearch(term, PROFILE, MODEL)));
    expect(search('example')).toBe('d');
    expect(search('botnet')).toBe('ac');
    expect(search('CONTOSO')).toBe('ad');
    expect(search('o\'brien')).toBe('c');
    expect(search('zzz')).toBe('');
  });

  test('$select keeps the key and the selected properties only', () => {
    expect(projectEntity(PROFILES[0]!, ['countHits', 'address'])).toEqual({ id: 'a', address: '10.0.0.1', countHits: 5 });
    expect(projectEntity(PROFILES[0]!, undefined)).toBe(PROFILES[0]);
  });
});
