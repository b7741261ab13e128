// Pure helpers tests need daily: the links in a message, the first link matching a pattern, and a
// one-time code. They take the message detail the client returns (text and html).

/** The parts of a message these helpers read. */
export interface MessageBodies {
  subject?: string;
  text: string | null;
  html: string | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes the HTML character references that appear in attribute values. */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

const HREF = /<(?:a|area)\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
const BASE = /<base\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
// A URL in plain text; trailing punctuation that usually ends a sentence is trimmed below.
const TEXT_URL = /\bhttps?:\/\/[^\s<>"'`]+/gi;

function trimTrailing(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if (last && '.,;:!?'.includes(last)) u = u.slice(0, -1);
    else if (last === ')' && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
    else if (last === ']' && !u.includes('[')) u = u.slice(0, -1);
    else if (last === '>' ) u = u.slice(0, -1);
    else return u;
  }
}

/** http(s) links in the HTML (href of a/area, resolved against <base>) and the text, de-duplicated, in order. */
export function links(message: MessageBodies): string[] {
  const out = new Set<string>();
  const add = (raw: string, base?: string) => {
    try {
      const u = new URL(raw.trim(), base);
      if (u.protocol === 'http:' || u.protocol === 'https:') out.add(u.href);
    } catch {
      // not a URL (relative with no base, "javascript:", garbage): skip
    }
  };
  if (message.html) {
    const b = BASE.exec(message.html);
    const base = b ? decodeEntities(b[1] ?? b[2] ?? b[3] ?? '') : undefined;
    for (const m of message.html.matchAll(HREF)) add(decodeEntities(m[1] ?? m[2] ?? m[3] ?? ''), base || undefined);
  }
  if (message.text) for (const m of message.text.matchAll(TEXT_URL)) add(trimTrailing(m[0]));
  return [...out];
}

/** The first link whose URL matches the pattern (a RegExp, or a substring), or undefined. */
export function firstLink(message: MessageBodies, pattern?: RegExp | string): string | undefined {
  const all = links(message);
  if (pattern === undefined) return all[0];
  return all.find((u) => (typeof pattern === 'string' ? u.includes(pattern) : new RegExp(pattern.source, pattern.flags.replace('g', '')).test(u)));
}

export interface CodeOptions {
  /** Custom pattern; with a capture group the group is returned, else the whole match. */
  pattern?: RegExp;
}

// Candidate codes: 4-8 digits standing alone (not part of a longer number, date, time, amount, URL).
const DIGITS = /(?<![\w.,:/$€£¥#+-])(\d{4,8})(?![\w%]|[.,:/-]\d)/g;
// Words that introduce a code; a candidate right after one wins over anything else.
const KEYWORD = /(code|otp|pin|passcode|password|token|verification|verify|confirm\w*|one[- ]time)\W{0,20}$/i;

/** Visible text of the HTML (tags, scripts and styles dropped). */
function htmlText(html: string): string {
  return decodeEntities(html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '));
}

/**
 * A one-time code in the message: with `pattern`, its first match; by default a 4-8 digit number,
 * preferring one right after a word such as "code", "PIN" or "verification", and otherwise the
 * first that is not a year (1900-2099). Looks at the subject, the text, then the HTML's text.
 */
export function code(message: MessageBodies, options: CodeOptions = {}): string | undefined {
  const sources = [message.subject ?? '', message.text ?? '', message.html ? htmlText(message.html) : ''];
  if (options.pattern) {
    const re = new RegExp(options.pattern.source, options.pattern.flags.replace('g', ''));
    for (const s of sources) {
      const m = re.exec(s);
      if (m) return m[1] ?? m[0];
    }
    return undefined;
  }
  let fallback: string | undefined;
  for (const s of sources) {
    for (const m of s.matchAll(DIGITS)) {
      const digits = m[1]!;
      if (KEYWORD.test(s.slice(Math.max(0, m.index - 40), m.index))) return digits;
      const year = digits.length === 4 && /^(19|20)\d\d$/.test(digits);
      if (!year) fallback ??= digits;
    }
  }
  return fallback;
}
