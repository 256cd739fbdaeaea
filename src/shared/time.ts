// Timestamps as the seed writes them: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`, so they sort as text.

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds since the epoch of an ISO-8601 instant; a time with no offset is taken as UTC (the seed's rule). */
export function parseInstant(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) throw new RangeError(`not an ISO-8601 instant: ${JSON.stringify(value)}`);
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  // Fractions below a millisecond are dropped here; formatting truncates to seconds anyway.
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

/** The seed's stored form of an instant: fraction of a second truncated, not rounded. */
export function formatInstant(epochMs: number): string {
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return new Date(wholeSeconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
