/** A DateTimeOffset as a comparable instant: whole UTC seconds and nanoseconds (seven-digit fractions survive). */
export interface Instant {
  seconds: number;
  nanos: number;
}

const ZERO = 48;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digitAt(value: string, i: number): number {
  const c = value.charCodeAt(i) - ZERO;
  return c >= 0 && c <= 9 ? c : NaN;
}

function twoAt(value: string, i: number): number {
  return digitAt(value, i) * 10 + digitAt(value, i + 1);
}

/**
 * Parses `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`; undefined for anything else. Hand-rolled with
 * character codes because sorting 100,000 date-times through a regular expression and Date.parse is the
 * slowest part of a `$orderby` on a DateTimeOffset (see bench/query-bench.ts).
 */
export function toInstant(value: string): Instant | undefined {
  const n = value.length;
  if (n < 17 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(13) !== 58) return undefined;
  const t = value.charCodeAt(10);
  if (t !== 84 && t !== 116) return undefined;
  const year = digitAt(value, 0) * 1000 + digitAt(value, 1) * 100 + twoAt(value, 2);
  const month = twoAt(value, 5);
  const day = twoAt(value, 8);
  const hour = twoAt(value, 11);
  const minute = twoAt(value, 14);
  let i = 16;
  let second = 0;
  let nanos = 0;
  if (value.charCodeAt(i) === 58) {
    second = twoAt(value, i + 1);
    i += 3;
    if (value.charCodeAt(i) === 46) {
      let scale = 100_000_000;
      const start = ++i;
      for (let d = digitAt(value, i); d >= 0; d = digitAt(value, ++i)) {
        nanos += d * scale;
        scale /= 10;
      }
      if (i === start) return undefined;
      nanos = Math.round(nanos);
    }
  }
  let offset = 0;
  const sign = value.charCodeAt(i);
  if ((sign === 90 || sign === 122) && i === n - 1) offset = 0;
  else if ((sign === 43 || sign === 45) && i === n - 6 && value.charCodeAt(i + 3) === 58) offset = (sign === 45 ? -1 : 1) * (twoAt(value, i + 1) * 60 + twoAt(value, i + 4));
  else return undefined;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60) || Number.isNaN(year + offset)) return undefined;
  return { seconds: daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset * 60, nanos };
}

/** Orders two instants. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/**
 * A DateTimeOffset written in UTC (`…Z`), as Graph answers them ("always in UTC time"): the same instant, the
 * fraction's digits kept as written. A value that is not a DateTimeOffset, or already in UTC, is returned as is.
 */
export function toUtcText(value: string): string {
  const last = value.charCodeAt(value.length - 1);
  if (last === 90 || last === 122) return value;
  const instant = toInstant(value);
  if (!instant) return value;
  // At a zero offset the text already holds the UTC digits, unless Date would carry a leap second or an impossible
  // day (the 31st of a shorter month) into the next minute or month: a day of at most 28 and seconds below 60 never.
  const n = value.length;
  if (n >= 25 && value.charCodeAt(n - 5) === 48 && value.charCodeAt(n - 4) === 48 && value.charCodeAt(n - 2) === 48 && value.charCodeAt(n - 1) === 48 && value.charCodeAt(16) === 58 && value.charCodeAt(17) < 54 && twoAt(value, 8) <= 28) {
    return [value.slice(0, n - 6), 'Z'].join('');
  }
  // toInstant took `…THH:MM[:SS[.digits]]±HH:MM`: the fraction's digits run from position 20 to the offset.
  const fraction = value.charCodeAt(16) === 58 && value.charCodeAt(19) === 46 ? `.${value.slice(20, value.length - 6)}` : '';
  return utcDateTime(instant.seconds, fraction);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * `YYYY-MM-DDTHH:MM:SS` of whole seconds since 1970 in UTC (Howard Hinnant's civil_from_days), as Date's toISOString
 * writes them, then `fraction` and `Z`. Joined, not concatenated: a stored date-time is one flat string, not a rope of
 * its parts (concatenated, 100,000 stored entities' two date-times took 90 MB more).
 */
function utcDateTime(seconds: number, fraction: string): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  // Years outside 0000–9999 are written with a sign and six digits: Date knows how.
  if (year < 0 || year > 9999) return [new Date(seconds * 1000).toISOString().slice(0, 19), fraction, 'Z'].join('');
  const hour = Math.floor(rest / 3600);
  const minute = Math.floor((rest % 3600) / 60);
  return [String(year).padStart(4, '0'), '-', pad2(month), '-', pad2(day), 'T', pad2(hour), ':', pad2(minute), ':', pad2(rest % 60), fraction, 'Z'].join('');
}
