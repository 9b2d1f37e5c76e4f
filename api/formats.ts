// The string formats the API schemas declare (`date`, `date-time`, `uri`) as the validator checks
// them, so that the OpenAPI document and the server agree on what passes. Pure.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 section 5.6: full-date "T" full-time, with seconds and an offset; `t` and `z` may be
// lower-case.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function realDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/** An RFC 3339 full-date that exists on the calendar (`2024-02-29` yes, `2023-02-29` no). */
export function isRealDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An RFC 3339 date-time with seconds and an offset, on a real day at a real time. */
export function isRealDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  // Second 60 is a leap second (RFC 3339 allows it).
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
  return true;
}

/** `since` as the index compares it: a date stays a date; a date-time becomes UTC (ISO 8601). */
export function normalizeSince(value: string): string {
  if (!isRealDateTime(value)) return value;
  // A leap second is the last second of its minute for Date.
  const parsed = new Date(value.toUpperCase().replace(/:60(?=[.Z+-])/, ':59'));
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

/** An absolute URL without spaces or control characters (the `uri` format). */
export function isAbsoluteUrl(value: string): boolean {
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return false;
  return URL.canParse(value);
}
