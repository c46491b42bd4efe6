import { compareInstants, toInstant, toUtcText } from './instant';

describe('toInstant', () => {
  test.each([
    '2016-12-31T23:57:27.0365895+03:00',
    '2016-12-31T20:57:27Z',
    '1969-07-20T20:17:40Z',
    '2000-02-29T12:00:00.5-08:00',
    '2024-03-10T02:30:00.123456789+05:45',
    '2016-12-31T23:57+03:00',
    '0001-01-01T00:00:00Z',
  ])('%s is the instant Date.parse sees (to the millisecond)', (value) => {
    const instant = toInstant(value)!;
    expect(instant.seconds * 1000 + Math.floor(instant.nanos / 1e6)).toBe(Date.parse(value.replace(/(\.\d{3})\d+/, '$1')));
  });

  test('keeps seven (and nine) fractional digits', () => {
    expect(toInstant('2016-12-31T23:57:27.0365895+03:00')?.nanos).toBe(36589500);
    expect(compareInstants(toInstant('2016-12-31T20:57:27.0365895Z')!, toInstant('2016-12-31T20:57:27.0365896Z')!)).toBeLessThan(0);
    expect(compareInstants(toInstant('2016-12-31T23:57:27.0365895+03:00')!, toInstant('2016-12-31T20:57:27.03658950Z')!)).toBe(0);
  });

  test.each(['', '2016-12-31', '2016-12-31T23:57:27', '2016-12-31T23:57:27.+03:00', '2016-13-31T00:00:00Z', '2016-12-31T24:00:00Z', '2016-12-31T23:57:27+0300', 'x016-12-31T23:57:27Z', '2016-12-31T23:57:27Zjunk'])(
    '%j is not a DateTimeOffset',
    (value) => {
      expect(toInstant(value)).toBeUndefined();
    },
  );

  test('toUtcText: the same instant in UTC, the fraction kept; other values as they are', () => {
    expect(toUtcText('2016-12-31T23:57:27.0365895+03:00')).toBe('2016-12-31T20:57:27.0365895Z');
    expect(toUtcText('2016-12-31T23:57:27-03:00')).toBe('2017-01-01T02:57:27Z');
    expect(toUtcText('2016-12-31T23:57:27.1Z')).toBe('2016-12-31T23:57:27.1Z');
    expect(toUtcText('not a date')).toBe('not a date');
    for (const v of ['2016-12-31T23:57:27.0365895+03:00', '2000-02-29T00:30:00.5-09:30']) expect(toInstant(toUtcText(v))).toEqual(toInstant(v));
  });
});

