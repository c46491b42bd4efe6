/** A DateTimeOffset as a comparable instant: whole UTC seconds and nanoseconds (seven-digit fractions survive). */
export interface Instant {
  seconds: number;
  nanos: number;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an ISO 8601 date-time with an offset; undefined for anything else. */
export function toInstant(value: string): Instant | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}:${m[2] ?? '00'}${m[4]}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: ms / 1000, nanos: Number((m[3] ?? '').padEnd(9, '0').slice(0, 9)) };
}

/** Orders two instants. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}
