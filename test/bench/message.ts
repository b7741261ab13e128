// Test messages for the benchmark: realistic headers, a text body padded to a target size, a
// recipient drawn from a fixed set (so `to:` searches are selective) and a rare word in a few
// bodies (so full-text searches have something to find).

/** Distinct recipients messages are spread over: a `to:` query matches 1 message in RECIPIENTS. */
export const RECIPIENTS = 1000;
/** One message in NEEDLE_EVERY carries the word `needle` at the end of its body. */
export const NEEDLE_EVERY = 1000;

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');

export function recipientOf(n: number): string {
  return `user${n % RECIPIENTS}@example.test`;
}

function bodyLines(n: number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  let w = n;
  // The needle sits at the end, past the snippet, so finding it takes a real body search.
  const needle = n % NEEDLE_EVERY === 0 ? `This one holds the needle number ${n}.` : '';
  size += needle ? needle.length + 2 : 0;
  while (size < bytes) {
    let line = '';
    while (line.length < 70) line += WORDS[w++ % WORDS.length] + ' ';
    line = line.trimEnd();
    lines.push(line);
    size += line.length + 2;
  }
  if (needle) lines.push(needle);
  return lines.join('\r\n');
}

/**
 * Message number n, about `bytes` long, CRLF line endings, already safe for DATA (no line starts
 * with a dot) and ending in CRLF. Sizes above 16 KB carry most of their bytes as a base64
 * attachment, like real large mail.
 */
export function makeMessage(n: number, bytes: number): Buffer {
  const to = recipientOf(n);
  const head = [
    `From: "Bench Sender" <sender@example.test>`,
    `To: <${to}>`,
    `Subject: Bench message ${n} ${WORDS[n % WORDS.length]}`,
    `Date: ${new Date(Date.UTC(2026, 0, 1, 0, 0, n % 86_400)).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <bench-${n}@example.test>`,
    'MIME-Version: 1.0',
  ];
  if (bytes <= 16 * 1024) {
    head.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit');
    const headText = head.join('\r\n') + '\r\n\r\n';
    return Buffer.from(headText + bodyLines(n, Math.max(0, bytes - headText.length - 2)) + '\r\n', 'latin1');
  }
  const boundary = `----bench-${n}`;
  head.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const text = bodyLines(n, 1024);
  const headText = head.join('\r\n') + '\r\n\r\n';
  const fixed = headText.length + text.length + 400;
  const rawAttachment = Math.floor(((bytes - fixed) * 3) / 4 / 1.027); // base64 adds 4/3 plus CRLF every 76
  const data = Buffer.alloc(Math.max(0, rawAttachment));
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + n) & 0xff;
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n').trimEnd();
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="report-${n}.bin"`,
    `Content-Disposition: attachment; filename="report-${n}.bin"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(headText + body, 'latin1');
}
