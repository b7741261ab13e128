// Test messages for the benchmark: realistic headers, a text body padded to a target size, a
// recipient drawn from a fixed set (so `to:` searches are selective) and a rare word in a few
// bodies (so full-text searches have something to find).

/** Distinct recipients messages are spread over: a `to:` query matches 1 message in RECIPIENTS. */
export const RECIPIENTS = 1000;
/** One message in NEEDLE_EVERY carries the word `needle` at the end of its body. */
export const NEEDLE_EVERY = 1000;

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');

// Body text is drawn from 2,000 pseudo-words by a seeded generator, not cycled through a short
// list: raw deflate shrinks it to ~45% (a 26-word cycle shrank to 18%, flattering the store's
// packing), which is on the conservative side of real mail (English prose ~35-40%, HTML less).
const SYLLABLES = 'ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi ho ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zi zo'.split(' ');
function rng(seed: number): () => number {
  let x = (seed * 2654435761 + 1) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
const VOCABULARY = (() => {
  const r = rng(42);
  return Array.from({ length: 2000 }, () => {
    let w = '';
    for (let i = 1 + Math.floor(r() * 3); i >= 0; i--) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    return w;
  });
})();

export function recipientOf(n: number): string {
  return `user${n % RECIPIENTS}@example.test`;
}

function bodyLines(n: number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  const next = rng(n + 1);
  // The needle sits at the end, past the snippet, so finding it takes a real body search.
  const needle = n % NEEDLE_EVERY === 0 ? `This one holds the needle number ${n}.` : '';
  size += needle ? needle.length + 2 : 0;
  while (size < bytes) {
    let line = '';
    while (line.length < 70) line += VOCABULARY[Math.floor(next() * VOCABULARY.length)] + ' ';
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
