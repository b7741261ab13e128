// Header access on raw bytes, without a MIME parser: find the header block, read a header's
// unfolded values, or remove a header while leaving every other byte exactly as it was.

const MAX_HEADER_BLOCK = 1024 * 1024; // mailsplit's own header limit: nothing valid is longer

/** Length of the header block including the blank line that ends it (the whole input if none). */
export function headerBlockLength(raw: Buffer): number {
  const limit = Math.min(raw.length, MAX_HEADER_BLOCK);
  if (raw.length >= 2 && raw[0] === 0x0d && raw[1] === 0x0a) return 2; // no headers at all
  if (raw.length >= 1 && raw[0] === 0x0a) return 1;
  for (let i = 0; i < limit; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return limit;
}

/** Splits the header block into physical-line groups, one per header field (continuations folded in). */
function fields(block: string): string[] {
  const out: string[] = [];
  for (const line of block.split(/(?<=\n)/)) {
    if ((line[0] === ' ' || line[0] === '\t') && out.length) out[out.length - 1] += line;
    else out.push(line);
  }
  return out;
}

/** Unfolded values of every header named `name` (case-insensitive), in order. */
export function rawHeaderValues(raw: Buffer, name: string): string[] {
  const block = raw.toString('utf8', 0, headerBlockLength(raw));
  const want = name.toLowerCase();
  const out: string[] = [];
  for (const f of fields(block)) {
    const colon = f.indexOf(':');
    if (colon > 0 && f.slice(0, colon).trim().toLowerCase() === want) out.push(f.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim());
  }
  return out;
}

/** The message without any `name` header field (including its folded lines); other bytes are untouched. */
export function removeHeader(raw: Buffer, name: string): Buffer {
  const end = headerBlockLength(raw);
  // latin1 maps bytes 1:1 to chars, so slicing and re-encoding keeps non-ASCII bytes exact.
  const block = raw.toString('latin1', 0, end);
  const want = name.toLowerCase();
  const kept = fields(block).filter((f) => {
    const colon = f.indexOf(':');
    return !(colon > 0 && f.slice(0, colon).trim().toLowerCase() === want);
  });
  const head = Buffer.from(kept.join(''), 'latin1');
  if (head.length === end) return raw;
  return Buffer.concat([head, raw.subarray(end)]);
}
