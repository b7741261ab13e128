// A file name for a MIME part that has none ("part-2.html", "image-1.png"), from its type and its
// part id, so the attachment list and downloads never say "(unnamed part 2)". Pure: the web UI
// imports it too.

const EXTENSIONS: Record<string, string> = {
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'text/csv': 'csv',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/json': 'json',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/ics': 'ics',
  'application/pkcs7-signature': 'p7s',
  'application/pgp-signature': 'asc',
  'message/rfc822': 'eml',
  'message/delivery-status': 'txt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
};

/** The part's own file name, else one made from its content type and id. */
export function partFileName(part: { id: string; filename: string | null; contentType: string }): string {
  const own = part.filename?.replace(UNSAFE_FILENAME_CHARS, '');
  if (own) return own;
  const type = part.contentType.split(';')[0]!.trim().toLowerCase();
  const ext = EXTENSIONS[type] ?? (/^text\//.test(type) ? 'txt' : 'bin');
  const kind = type.startsWith('image/') ? 'image' : 'part';
  return `${kind}-${part.id.replace(/[^0-9]+/g, '-')}.${ext}`;
}

/**
 * Characters a file name must not carry into a download: controls (NUL, CR, LF…), and the
 * Unicode bidi controls that make "evil\u202Etxt.exe" display as "evilexe.txt".
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_FILENAME_CHARS = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
