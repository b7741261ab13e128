// Dates and sizes in queries: before:/after: values read as wall time in an IANA time zone, and
// larger:/smaller: values with k/m/g units. Pure; returns null for anything malformed.

/** True when `tz` names a time zone this runtime knows (e.g. "Europe/Berlin", "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The server's own zone: the default when a request names none (as Mailpit does). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

type Offsetter = (utcMs: number) => number;

/** A function giving the zone's UTC offset (ms, east positive) at an instant. */
function offsetter(tz: string): Offsetter {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (utcMs) => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year!, p.month! - 1, p.day, p.hour! % 24, p.minute, p.second);
    return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  };
}

/** UTC instant of a wall-clock time in a zone. In a DST gap the later offset wins (02:30 -> 03:30). */
function wallToUtc(wallMs: number, offsetAt: Offsetter): number {
  const first = offsetAt(wallMs);
  const guess = wallMs - first;
  const second = offsetAt(guess);
  return second === first ? guess : wallMs - second;
}

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EPOCH = /^\d{10}$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/; // 20240131
const TIME = String.raw`(?:[T ,]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?`;
// "2 Jan 2024", "Tue, 02 Jan 2024 10:00:00 +0000" (RFC 5322), "January 2, 2024 14:30".
const DAY_MONTH = new RegExp(String.raw`^(?:[a-z]{3,9},?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})` + TIME + '$', 'i');
const MONTH_DAY = new RegExp(String.raw`^(?:[a-z]{3,9},?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})` + TIME + '$', 'i');
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Month number (1-12) of an English month name or its 3-letter abbreviation; 0 when unknown. */
function monthOf(name: string): number {
  const n = name.toLowerCase();
  const i = MONTHS.indexOf(n.slice(0, 3));
  if (i === -1) return 0;
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][i]!;
  return n.length === 3 || n === full || (i === 8 && n === 'sept') ? i + 1 : 0;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a query date to epoch ms. Accepted: `2024-01-31`, `2024/01/31`, `2024.01.31`, each with an
 * optional time `T14:30`, ` 14:30:15` (seconds and .ms optional) and an optional explicit offset
 * (`Z`, `+02:00`, `-0500`, which overrides `tz`); compact `20240131`; US `01/31/2024` (month
 * first, as Mailpit); English month names (`2 Jan 2024`, `January 2, 2024 14:30`, RFC 5322
 * `Tue, 02 Jan 2024 10:00:00 +0000`); and 10-digit Unix seconds. A date without a time means the start of that day in `tz`.
 */
export function parseQueryDate(text: string, tz: string): number | null {
  const v = text.trim();
  if (EPOCH.test(v)) return Number(v) * 1000;
  let y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0;
  let zone: string | undefined;
  const iso = ISO.exec(v) ?? (COMPACT.test(v) ? ISO.exec(v.replace(COMPACT, '$1-$2-$3')) : null);
  const us = iso ? null : US.exec(v);
  const named = iso || us ? null : (DAY_MONTH.exec(v) ?? MONTH_DAY.exec(v));
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) [h, mi, s] = [Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0)];
    if (iso[7] !== undefined) ms = Number(iso[7].padEnd(3, '0'));
    zone = iso[8];
  } else if (us) {
    [mo, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (us[4] !== undefined) [h, mi, s] = [Number(us[4]), Number(us[5]), Number(us[6] ?? 0)];
  } else if (named) {
    const dayFirst = /^\d/.test(named[1]!);
    [d, mo, y] = [Number(dayFirst ? named[1] : named[2]), monthOf(dayFirst ? named[2]! : named[1]!), Number(named[3])];
    if (named[4] !== undefined) [h, mi, s] = [Number(named[4]), Number(named[5]), Number(named[6] ?? 0)];
    zone = named[7] && /^(utc|gmt)$/i.test(named[7]) ? 'Z' : named[7];
  } else return null;
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone) {
    if (/^z$/i.test(zone)) return wall;
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const off = (Number(m[2]) * 60 + Number(m[3])) * 60_000;
    if (Number(m[2]) > 23 || Number(m[3]) > 59) return null;
    return m[1] === '+' ? wall - off : wall + off;
  }
  return wallToUtc(wall, offsetter(tz));
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** `2M`, `1.5mb`, `500k`, `1024`: bytes, 1024-based as Mailpit; null when malformed. */
export function parseQuerySize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s?([a-z]{0,2})$/i.exec(text.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}
