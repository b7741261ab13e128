// Finding links in mail content, and deciding which are safe to make clickable. Pure: the HTML is
// parsed with DOMParser, which builds an inert document (no scripts run, nothing is fetched).

/** A piece of text, optionally a link. Rendered with text interpolation only. */
export interface Segment {
  text: string;
  href?: string;
}

/** Only these schemes become clickable; javascript:, data:, vbscript: and friends stay text. */
export function isSafeHref(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href.trim());
}

const URL_RE = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/; // punctuation that usually ends a sentence, not a URL

/** Splits plain text into text and link segments (escaped by the renderer, never as HTML). */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    const trail = TRAILING.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trail.length);
    const start = m.index;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** A link found in the message. */
export interface FoundLink {
  href: string;
  /** Where it was found: the anchor text for HTML links, 'text' for the text body. */
  label: string;
  source: 'html' | 'text';
}

/** Every link in the HTML (a/area href, form action) and in the text body, de-duplicated per source. */
export function extractLinks(html: string | null, text: string | null): FoundLink[] {
  const out: FoundLink[] = [];
  const seen = new Set<string>();
  const add = (href: string, label: string, source: 'html' | 'text') => {
    const key = source + '\u0000' + href;
    if (!href || seen.has(key)) return;
    seen.add(key);
    out.push({ href, label, source });
  };
  if (html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    for (const el of doc.querySelectorAll('a[href], area[href]')) {
      add(el.getAttribute('href')!.trim(), el.textContent.replace(/\s+/g, ' ').trim(), 'html');
    }
    for (const el of doc.querySelectorAll('form[action]')) add(el.getAttribute('action')!.trim(), '(form action)', 'html');
  }
  if (text) for (const s of linkify(text)) if (s.href) add(s.href, '', 'text');
  return out;
}
