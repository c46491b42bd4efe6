import { CEILING, derivedSchemaDir, MOTION, MOUNT, SENSOR, THERMAL, WALL } from '../../../test/derived-schemas';
import { RECORDED_TYPE } from '../../graph/derived-types';
import { loadGraphDefinition } from '../../graph/registry';
import { generateProfiles } from '../../seed/generate';
import { toStoredEntity } from '../../graph/entity-shape';
import { compileFilter, projectEntity } from './apply';
import { firstSorted, INSERTION_MAX_K, sortEntities } from './sort';
import { compileSearch } from './search';
import { parseFilter } from './filter-parser';
import { parseOrderBy, parseSelect } from './parse';
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
    ["ipCategories/any(c: c/name eq 'TOR') and tags/any(t: t eq 'y')", 'c'],
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

describe('set lookups for in-lists and or-chains over one path', () => {
  const many = generateProfiles(400, 3).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL));
  const select = (text: string) => many.filter(compileFilter(parseFilter(text, PROFILE, MODEL))).map((e) => e.id);
  const where = (test: (e: (typeof many)[number]) => boolean) => many.filter(test).map((e) => e.id);

  test.each([[3], [4], [5], [24], [200]])('an in-list and an or-chain of %i values select what a plain JavaScript test selects', (n) => {
    const addresses = many.slice(0, n).map((e) => String(e.address));
    const quoted = addresses.map((a) => `'${a}'`);
    expect(select(`address in (${quoted.join(',')})`)).toEqual(where((e) => addresses.includes(String(e.address))));
    const hits = Array.from({ length: n }, (_, i) => i * 97);
    expect(select(`countHits in (${hits.join(',')})`)).toEqual(where((e) => hits.includes(e.countHits as number)));
    if (n <= 20) expect(select(hits.map((h) => `countHits eq ${h}`).join(' or '))).toEqual(where((e) => hits.includes(e.countHits as number)));
  });

  test('null in a long list matches null only; a list without null never matches null', () => {
    expect(filter("address in (null, 'x', 'y', 'z', '10.0.0.1')")).toBe('ac');
    expect(filter("address in ('x', 'y', 'z', 'w', '10.0.0.1')")).toBe('a');
    expect(filter("not (address in ('x', 'y', 'z', 'w', '10.0.0.1'))")).toBe('bcd');
    expect(filter('countHits in (null, 1, 2, 3, 50)')).toBe('bc');
  });

  test('DateTimeOffset values are looked up by instant, whatever the offset or the fraction written', () => {
    const dates = ['2016-12-31T20:57:27.0365895Z', '2017-01-01T03:00:00+03:00', '1999-01-01T00:00:00Z', '2000-01-01T00:00:00.5Z', '2016-12-31T15:00:00-05:00'];
    expect(filter(`firstSeenDateTime in (${dates.join(',')})`)).toBe('abd');
    expect(filter(dates.map((d) => `firstSeenDateTime eq ${d}`).join(' or '))).toBe('abd');
    expect(filter(`firstSeenDateTime in (null, ${dates.slice(2).join(',')})`)).toBe('bc');
  });

  test('an or-chain mixes grouped terms with others, in any order and parenthesisation', () => {
    const hits = [5, 0, 77, 78, 79];
    const eqs = hits.map((h) => `countHits eq ${h}`);
    expect(filter(eqs.join(' or '))).toBe('ad');
    expect(filter(`${eqs.slice(0, 2).join(' or ')} or address eq null or (${eqs.slice(2).join(' or ')}) or 50 eq countHits`)).toBe('abcd');
    expect(filter(`(${eqs.join(' or ')}) and tags/any(t: t eq 'x' or t eq 'q' or t eq 'r' or t eq 's')`)).toBe('ad');
    expect(filter(`tags/any(t: t eq 'y' or t eq 'q' or t eq 'r' or t eq 's' or contains(t, 'x'))`)).toBe('acd');
  });
});

describe('tolower() and toupper() written several times', () => {
  const text = [0, 1, 2, 3].map((i) => `contains(tolower(address), '.${i}') or contains(toupper(vendorInformation/provider), 'O${i}')`).join(' or ');
  const people = generateProfiles(50, 3).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL));

  test('select what converting at every call selects', () => {
    const selected = people.filter(compileFilter(parseFilter(text, PROFILE, MODEL))).map((e) => e.id);
    const plain = people.filter((e) => {
      const address = typeof e.address === 'string' ? e.address : undefined;
      const provider = (e.vendorInformation as { provider?: unknown } | null)?.provider;
      return [0, 1, 2, 3].some((i) => address?.toLowerCase().includes(`.${i}`) || (typeof provider === 'string' && provider.toUpperCase().includes(`O${i}`)));
    });
    expect(selected).toEqual(plain.map((e) => e.id));
    expect(selected.length).toBeGreaterThan(0);
  });

  test('a filter of 16 tolower(address) converts each address once', () => {
    const predicate = compileFilter(parseFilter(Array.from({ length: 16 }, (_, i) => `contains(tolower(address), 'zz${i}')`).join(' or '), PROFILE, MODEL));
    const lower = jest.spyOn(String.prototype, 'toLowerCase');
    try {
      people.forEach(predicate);
      expect(lower).toHaveBeenCalledTimes(people.filter((e) => typeof e.address === 'string').length);
    } finally {
      lower.mockRestore();
    }
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
    // Up to INSERTION_MAX_K the best rows are kept by insertion; beyond it (a deep $skip) everything is sorted.
    for (const k of [0, 1, 10, INSERTION_MAX_K, INSERTION_MAX_K + 1, 150, 299, 300, 400]) {
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
    expect(projectEntity(PROFILES[0]!, parseSelect('countHits,address', PROFILE, MODEL))).toEqual({ id: 'a', address: '10.0.0.1', countHits: 5 });
    expect(projectEntity(PROFILES[0]!, undefined)).toBe(PROFILES[0]);
  });
});

describe('derived types', () => {
  const { model } = loadGraphDefinition([derivedSchemaDir()]);
  const sensor = model.resolveType(SENSOR)!;
  const stored = [
    { '@odata.type': `#${THERMAL}`, id: 't', maxCelsius: 90, mounts: [{ '@odata.type': WALL, heightCm: 2 }, { label: 'plain' }] },
    { '@odata.type': MOTION, id: 'm', zones: ['lobby'], placement: { '@odata.type': `#${CEILING}`, room: 'hall' } },
    { id: 's', displayName: 'lobby' },
  ].map((body) => toStoredEntity(body, body.id, sensor, model));
  const matching = (text: string) => ids(stored.filter(compileFilter(parseFilter(text, sensor, model))));

  test('isof compares the type each value records; a value that records none is of its declared type', () => {
    expect(matching(`isof('${THERMAL}')`)).toBe('t');
    expect(matching(`isof('${SENSOR}')`)).toBe('tms');
    expect(matching(`not isof('${SENSOR}')`)).toBe('');
    expect(matching(`${THERMAL}/mounts/any(x: isof(x, '${WALL}'))`)).toBe('t');
    expect(matching(`${THERMAL}/mounts/any(x: isof(x, '${MOUNT}') and not isof(x, '${WALL}'))`)).toBe('t');
    expect(matching(`isof(${MOTION}/placement, '${WALL}')`)).toBe('');
  });

  test('a cast reads null for a value of another type, and keeps the items of its type in a collection', () => {
    expect(matching(`${THERMAL}/maxCelsius eq null`)).toBe('ms');
    expect(matching(`${THERMAL}/maxCelsius ne null`)).toBe('t');
    expect(matching(`${MOTION}/placement/${CEILING}/room eq 'hall'`)).toBe('m');
    expect(matching(`${MOTION}/placement/${WALL}/heightCm eq null`)).toBe('tms');
    expect(matching(`${THERMAL}/mounts/${WALL}/all(x: x/heightCm eq 2)`)).toBe('tms');
    expect(matching(`${THERMAL}/mounts/all(x: x/${WALL}/heightCm eq 2)`)).toBe('ms');
    expect(matching(`${THERMAL}/mounts/${CEILING}/any()`)).toBe('');
  });

  test('an or-chain over a cast path is one lookup of its own, apart from the same path without the cast', () => {
    const plain = ['w', 'x', 'y', 'z'].map((d) => `displayName eq '${d}'`);
    const cast = ['a', 'b', 'c', 'lobby'].map((d) => `${THERMAL}/displayName eq '${d}'`);
    expect(matching([...plain, ...cast].join(' or '))).toBe('');
    expect(matching([...plain, 'displayName eq \'lobby\'', ...cast].join(' or '))).toBe('s');
  });

  test('$select with a type cast keeps the property only for entities of that type, and the recorded type always', () => {
    const select = parseSelect(`displayName,${THERMAL}/maxCelsius`, sensor, model);
    expect(select?.map((s) => s.text)).toEqual(['displayName', `${THERMAL}/maxCelsius`]);
    expect(projectEntity(stored[0]!, select)).toEqual({ [RECORDED_TYPE]: THERMAL, id: 't', displayName: null, maxCelsius: 90 });
    expect(projectEntity(stored[1]!, select)).toEqual({ [RECORDED_TYPE]: MOTION, id: 'm', displayName: null });
    expect(projectEntity(stored[2]!, select)).toEqual({ id: 's', displayName: 'lobby' });
  });

  test('$search reads the string properties of each entity’s own type', () => {
    expect(ids(stored.filter(compileSearch('lobby', sensor, model)))).toBe('ms');
  });
});
