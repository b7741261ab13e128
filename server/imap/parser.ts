// IMAP command syntax (RFC 3501 section 9, RFC 7888 LITERAL+): a tag, a command name and its
// arguments as tokens: atoms (a fetch attribute's [section]<partial> kept in the atom), strings
// (quoted or literal, as bytes) and parenthesised lists. The listener (listener.ts) has already
// gathered the literals' bytes, so the input here is one whole command without its final CRLF.
//
// Written here rather than taken from emailjs-imap-handler (checked: 3.0.6, its README says it
// is no longer maintained, and it walks every byte of a literal in JavaScript, which for an
// APPEND of a 25 MB message is 25 million loop turns): literals are sliced natively here.

export type Token = { kind: 'atom'; value: string } | { kind: 'string'; value: Buffer } | { kind: 'list'; items: Token[] };

export interface Command {
  tag: string;
  /** Upper-case command name; "UID FETCH" and friends are joined with one space. */
  name: string;
  args: Token[];
}

/** A command that cannot be read; `tag` is set when the tag itself was readable (the reply is then tagged BAD). */
export class ImapSyntaxError extends Error {
  constructor(
    message: string,
    readonly tag: string | null,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 16;
const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const DQUOTE = 0x22;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKSLASH = 0x5c;
const TAG = /^[\x21\x23-\x27\x2c-\x5b\x5e-\x7a\x7c\x7e]+$/; // ASTRING-CHAR minus "+" (RFC 3501 tag)

class Reader {
  at = 0;
  constructor(
    readonly input: Buffer,
    readonly tag: string | null,
  ) {}

  fail(what: string): never {
    throw new ImapSyntaxError(`${what} at position ${this.at}`, this.tag);
  }

  get done(): boolean {
    return this.at >= this.input.length;
  }

  peek(): number {
    return this.input[this.at] ?? -1;
  }

  /** One token, or a list. */
  token(depth: number): Token {
    const c = this.peek();
    if (c === LPAREN) return this.list(depth + 1);
    if (c === DQUOTE) return this.quoted();
    if (c === LBRACE) return this.literal();
    return { kind: 'atom', value: this.atom() };
  }

  list(depth: number): Token {
    if (depth > MAX_DEPTH) this.fail('lists nested too deeply');
    this.at++; // (
    const items: Token[] = [];
    for (;;) {
      if (this.done) this.fail('unclosed list');
      if (this.peek() === RPAREN) {
        this.at++;
        return { kind: 'list', items };
      }
      if (items.length) {
        if (this.peek() !== SP) this.fail('expected a space between list items');
        this.at++;
      }
      items.push(this.token(depth));
    }
  }

  quoted(): Token {
    this.at++; // "
    const bytes: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1 || c === 0x0d || c === 0x0a) this.fail('unterminated quoted string');
      this.at++;
      if (c === DQUOTE) return { kind: 'string', value: Buffer.from(bytes) };
      if (c === BACKSLASH) {
        const next = this.peek();
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('only \\" and \\\\ may be escaped in a quoted string');
        bytes.push(next);
        this.at++;
      } else bytes.push(c);
    }
  }

  literal(): Token {
    const m = /^\{(\d{1,10})\+?\}\r\n/.exec(this.input.toString('latin1', this.at, this.at + 16));
    if (!m) this.fail('malformed literal');
    const length = Number(m[1]);
    const start = this.at + m[0].length;
    if (start + length > this.input.length) this.fail('literal shorter than announced');
    this.at = start + length;
    return { kind: 'string', value: this.input.subarray(start, start + length) };
  }

  /** An atom; a "[...]" inside it (a fetch section) is kept whole, spaces and parentheses included, and so is a "<...>" after it. */
  atom(): string {
    const start = this.at;
    for (;;) {
      const c = this.peek();
      if (c === LBRACKET) {
        const close = this.input.indexOf(RBRACKET, this.at);
        if (close === -1) this.fail('unclosed [');
        this.at = close + 1;
        continue;
      }
      if (c === -1 || c === SP || c === LPAREN || c === RPAREN || c === DQUOTE || c === LBRACE || c <= 0x1f || c === 0x7f) break;
      this.at++;
    }
    if (this.at === start) this.fail('expected an argument');
    return this.input.toString('latin1', start, this.at);
  }
}

/** Reads one command (without its final CRLF). */
export function parseCommand(input: Buffer): Command {
  const firstSpace = input.indexOf(SP);
  const tag = input.toString('latin1', 0, firstSpace === -1 ? input.length : firstSpace);
  if (!TAG.test(tag)) throw new ImapSyntaxError(tag === '' ? 'empty command' : 'invalid tag', null);
  if (firstSpace === -1) throw new ImapSyntaxError('missing command', tag);
  const r = new Reader(input, tag);
  r.at = firstSpace + 1;
  let name = r.atom().toUpperCase();
  if (name === 'UID') {
    if (r.peek() !== SP) r.fail('UID needs a command');
    r.at++;
    name = `UID ${r.atom().toUpperCase()}`;
  }
  const args: Token[] = [];
  while (!r.done) {
    if (r.peek() !== SP) r.fail('expected a space');
    r.at++;
    args.push(r.token(0));
  }
  return { tag, name, args };
}

/** The text of an atom or string argument (astring), or null for a list. */
export function astring(token: Token | undefined): string | null {
  if (!token || token.kind === 'list') return null;
  return token.kind === 'atom' ? token.value : token.value.toString('utf8');
}
