// IMAP's modified UTF-7 for mailbox names (RFC 3501 section 5.1.3): printable ASCII stands for
// itself except "&", which is "&-"; any other run of characters is "&", their UTF-16BE bytes in
// base64 with "," for "/" and no padding, then "-". Tag names are Unicode, mailbox names on the
// wire are this.

/** A mailbox name as it goes on the wire. */
export function encodeMailboxName(name: string): string {
  return name.replace(/&|[^\x20-\x7e]+/g, (run) => {
    if (run === '&') return '&-';
    const utf16 = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
    return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}

/** A mailbox name from the wire; null when it is not valid modified UTF-7. */
export function decodeMailboxName(wire: string): string | null {
  let out = '';
  let at = 0;
  for (const m of wire.matchAll(/&([^-]*)(-?)/g)) {
    out += wire.slice(at, m.index);
    at = m.index + m[0].length;
    const b64 = m[1]!;
    if (!m[2] || (b64 && !/^[A-Za-z0-9+,]+$/.test(b64))) return null; // no closing "-", or not base64
    if (!b64) {
      out += '&';
      continue;
    }
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2) return null;
    for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(bytes.readUInt16BE(i));
  }
  return out + wire.slice(at);
}

/** A mailbox name for a response text: modified UTF-7 in double quotes, so it is ASCII and holds no line break. */
export function shownName(name: string): string {
  return JSON.stringify(encodeMailboxName(name.slice(0, 100)));
}
