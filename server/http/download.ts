// Safe download headers for sender-controlled file names and types (RFC 6266 / RFC 5987).

import { UNSAFE_FILENAME_CHARS } from '../mail/part-name.js';

/** Raster image types a browser may show directly; everything else is served as octet-stream. */
const INLINE_SAFE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

/** The Content-Type to serve a part with: its own only for plain raster images. */
export function safeContentType(type: string): string {
  const t = type.split(';')[0]!.trim().toLowerCase();
  return INLINE_SAFE_TYPES.has(t) ? t : 'application/octet-stream';
}

/** A file name with path parts, control and bidi-override characters and quotes removed; never empty. */
export function sanitizeFilename(name: string | null | undefined, fallback: string): string {
  const base = (name ?? '').replace(UNSAFE_FILENAME_CHARS, '').split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(/"/g, '').replace(/^\.+/, '').trim();
  return cleaned || fallback;
}

/** `attachment; filename="ascii"; filename*=UTF-8''pct-encoded` (ASCII fallback keeps old clients happy). */
export function contentDisposition(name: string | null | undefined, fallback: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const safe = sanitizeFilename(name, fallback);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/[\\%]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
