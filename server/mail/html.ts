// Pure helpers for showing mail HTML: count remote resources, neutralise the few things a CSP
// cannot stop (meta refresh navigations), and wrap plain text as a document.
// The sandboxed iframe and the preview route's CSP are the real defence; this is depth.

const REMOTE_PATTERNS = [
  /\b(?:src|background|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//gi, // <img src>, <td background>, <video poster>, <object data>
  /\bsrcset\s*=\s*["']?\s*(?:https?:)?\/\//gi,
  /url\(\s*["']?\s*(?:https?:)?\/\//gi, // CSS url()
  /@import\s+["']\s*(?:https?:)?\/\//gi, // the url(...) form is counted by the url() pattern
  /<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?\/\//gi,
];

/** How many references to remote resources (images, CSS, fonts) the HTML makes. */
export function countRemoteResources(html: string): number {
  let n = 0;
  for (const re of REMOTE_PATTERNS) n += html.match(re)?.length ?? 0;
  return n;
}

/** Disables <meta http-equiv="refresh"> (a navigation no CSP directive blocks). */
export function neutraliseHtml(html: string): string {
  return html.replace(/(<meta\b[^>]*?\bhttp-equiv\s*=\s*["']?)\s*refresh/gi, '$1x-blocked-refresh');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text or attribute context. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The document the preview frame shows: the HTML body, or the text body as preformatted text. */
export function previewDocument(html: string | null, text: string | null): string {
  // <base target> makes links open in a new tab (allowed by allow-popups), not inside the frame.
  const base = '<base target="_blank">';
  if (html !== null) return base + neutraliseHtml(html);
  const body = escapeHtml(text ?? '');
  return `<!doctype html><html><head><meta charset="utf-8">${base}<style>body{margin:0;padding:12px;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;word-wrap:break-word}</style></head><body>${body}</body></html>`;
}
