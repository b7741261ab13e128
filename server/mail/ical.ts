// A small iCalendar (RFC 5545) reader for invitations: the first VEVENT of a VCALENDAR with its
// title, start and end (as UTC instants, or dates for all-day events), organiser, attendees and
// their answers, location and description. Enough to show a card; not a calendar engine (no
// recurrence expansion). Pure: the web UI imports it too.

export interface CalendarPerson {
  name: string | null;
  email: string | null;
  /** PARTSTAT: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED… (upper case). */
  status: string | null;
  /** ROLE: REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR… */
  role: string | null;
}

export interface CalendarEvent {
  /** METHOD of the calendar: REQUEST, CANCEL, REPLY, PUBLISH… */
  method: string | null;
  uid: string | null;
  summary: string | null;
  location: string | null;
  description: string | null;
  /** ISO instant (UTC) for timed events; YYYY-MM-DD for all-day ones. */
  start: string | null;
  end: string | null;
  allDay: boolean;
  /** Recurrence rule as written (RRULE), if any. */
  recurrence: string | null;
  status: string | null;
  organizer: CalendarPerson | null;
  attendees: CalendarPerson[];
}

interface Line {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds (RFC 5545 3.1) and splits content lines into name, parameters and value. */
function contentLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    if (!raw) continue;
    let i = 0;
    let inQuote = false;
    // the value starts at the first ':' outside a quoted parameter value
    for (; i < raw.length; i++) {
      if (raw[i] === '"') inQuote = !inQuote;
      else if (raw[i] === ':' && !inQuote) break;
    }
    if (i === raw.length) continue;
    const [name, ...paramParts] = splitOutsideQuotes(raw.slice(0, i), ';');
    const params: Record<string, string> = {};
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"(.*)"$/, '$1');
    }
    out.push({ name: name!.toUpperCase(), params, value: raw.slice(i + 1) });
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (const c of s) {
    if (c === '"') inQuote = !inQuote;
    if (c === sep && !inQuote) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** TEXT values: \n, \, \; \\ escapes. */
const text = (v: string) => v.replace(/\\([nN,;\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c)).trim() || null;

function person(line: Line): CalendarPerson {
  const email = line.value.replace(/^mailto:/i, '').trim() || null;
  return { name: line.params.CN ? text(line.params.CN) : null, email, status: line.params.PARTSTAT?.toUpperCase() ?? null, role: line.params.ROLE?.toUpperCase() ?? null };
}

/** Minutes east of UTC in `zone` at the given UTC instant, or null when the zone is unknown. */
function zoneOffset(zone: string, utcMs: number): number | null {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(utcMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    return (Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - utcMs) / 60_000;
  } catch {
    return null;
  }
}

/** "+0100" / "-0500" → minutes. */
const offsetMinutes = (v: string) => {
  const m = /^([+-])(\d{2})(\d{2})/.exec(v.trim());
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
};

/**
 * A DATE or DATE-TIME value as an ISO instant (or a date for all-day): Z times are UTC, TZID
 * times are converted with the IANA zone, else with the VTIMEZONE's offset (Outlook's Windows
 * zone names), floating times are taken as UTC.
 */
function when(line: Line | undefined, zones: Map<string, { standard: number | null; daylight: number | null }>): { value: string | null; allDay: boolean } {
  if (!line) return { value: null, allDay: false };
  const v = line.value.trim();
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (date || line.params.VALUE === 'DATE') return { value: date ? `${date[1]}-${date[2]}-${date[3]}` : v, allDay: true };
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return { value: null, allDay: false };
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (m[7] === 'Z' || !line.params.TZID) return { value: new Date(wall).toISOString(), allDay: false };
  const tzid = line.params.TZID;
  let offset = zoneOffset(tzid, wall);
  if (offset !== null) offset = zoneOffset(tzid, wall - offset * 60_000) ?? offset; // settle across a DST change
  if (offset === null) {
    const z = zones.get(tzid);
    // Without the rules' dates, summer months take the daylight offset when the zone has one.
    const month = Number(m[2]);
    offset = (z && (month >= 4 && month <= 10 ? (z.daylight ?? z.standard) : (z.standard ?? z.daylight))) ?? 0;
  }
  return { value: new Date(wall - offset * 60_000).toISOString(), allDay: false };
}

/** The first event of an iCalendar text, or null when there is none. */
export function parseInvitation(ics: string): CalendarEvent | null {
  const lines = contentLines(ics);
  let method: string | null = null;
  const zones = new Map<string, { standard: number | null; daylight: number | null }>();
  let zone: { id: string; standard: number | null; daylight: number | null } | null = null;
  let sub: 'STANDARD' | 'DAYLIGHT' | null = null;
  let event: Line[] | null = null;
  let depth = 0; // nested components inside the VEVENT (VALARM)
  for (const line of lines) {
    if (line.name === 'BEGIN') {
      const what = line.value.toUpperCase();
      if (event) depth++;
      else if (what === 'VEVENT') event = [];
      else if (what === 'VTIMEZONE') zone = { id: '', standard: null, daylight: null };
      else if (zone && (what === 'STANDARD' || what === 'DAYLIGHT')) sub = what;
      continue;
    }
    if (line.name === 'END') {
      const what = line.value.toUpperCase();
      if (event && depth) depth--;
      else if (event && what === 'VEVENT') break;
      else if (zone && (what === 'STANDARD' || what === 'DAYLIGHT')) sub = null;
      else if (zone && what === 'VTIMEZONE') {
        if (zone.id) zones.set(zone.id, { standard: zone.standard, daylight: zone.daylight });
        zone = null;
      }
      continue;
    }
    if (event) {
      if (!depth) event.push(line);
    } else if (zone) {
      if (line.name === 'TZID') zone.id = line.value.trim();
      else if (line.name === 'TZOFFSETTO' && sub) zone[sub === 'STANDARD' ? 'standard' : 'daylight'] = offsetMinutes(line.value);
    } else if (line.name === 'METHOD') method = line.value.trim().toUpperCase();
  }
  if (!event) return null;
  const first = (name: string) => event.find((l) => l.name === name);
  const start = when(first('DTSTART'), zones);
  let end = when(first('DTEND'), zones);
  const duration = first('DURATION');
  if (!end.value && start.value && !start.allDay && duration) {
    const d = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration.value.trim());
    if (d) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unmatched optional groups are undefined at run time, though typed string
      const [w, dd, h, mi, s] = d.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number];
      end = { value: new Date(Date.parse(start.value) + ((((w * 7 + dd) * 24 + h) * 60 + mi) * 60 + s) * 1000).toISOString(), allDay: false };
    }
  }
  const value = (name: string) => {
    const l = first(name);
    return l ? text(l.value) : null;
  };
  const organizer = first('ORGANIZER');
  return {
    method,
    uid: first('UID')?.value.trim() ?? null,
    summary: value('SUMMARY'),
    location: value('LOCATION'),
    description: value('DESCRIPTION'),
    start: start.value,
    end: end.value,
    allDay: start.allDay,
    recurrence: first('RRULE')?.value.trim() ?? null,
    status: first('STATUS')?.value.trim().toUpperCase() ?? null,
    organizer: organizer ? person(organizer) : null,
    attendees: event.filter((l) => l.name === 'ATTENDEE').map(person),
  };
}
