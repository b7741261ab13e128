// Cuts the client's byte stream into whole commands: a command is a line, unless the line ends
// with a literal announcement ("{n}" or LITERAL+'s "{n+}"), in which case n bytes and the rest
// of the command follow. Bounded: a line longer than maxLine, a literal longer than maxLiteral or
// a command longer than maxCommand is refused before its bytes are held.

export type Framed =
  /** One complete command, without its final CRLF, ready for parseCommand. */
  | { kind: 'command'; bytes: Buffer }
  /** A synchronising literal was announced: answer "+" so the client sends it. */
  | { kind: 'go-ahead' }
  /** A literal or command over the bounds; with nonSync the client sends the bytes anyway (close). */
  | { kind: 'too-big'; tag: string | null; size: number; nonSync: boolean }
  /** A line without a line break past maxLine bytes. */
  | { kind: 'line-too-long' };

const LF = 0x0a;
const ANNOUNCE = /\{(\d{1,12})(\+?)\}\r?\n$/;

export class CommandFramer {
  #pending: Buffer = Buffer.alloc(0);
  #parts: Buffer[] = [];
  #held = 0;
  #literalLeft = 0;

  constructor(
    readonly maxLine: number,
    readonly maxLiteral: number,
    readonly maxCommand: number,
  ) {}

  /** Discards everything buffered (after STARTTLS: nothing sent in plaintext may count). */
  reset(): void {
    this.#pending = Buffer.alloc(0);
    this.#parts = [];
    this.#held = 0;
    this.#literalLeft = 0;
  }

  push(chunk: Buffer): Framed[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const out: Framed[] = [];
    for (;;) {
      if (this.#literalLeft > 0) {
        if (!this.#pending.length) break;
        const n = Math.min(this.#literalLeft, this.#pending.length);
        this.#parts.push(this.#pending.subarray(0, n));
        this.#pending = this.#pending.subarray(n);
        this.#literalLeft -= n;
        continue;
      }
      const lf = this.#pending.indexOf(LF);
      if (lf === -1) {
        if (this.#pending.length > this.maxLine) {
          out.push({ kind: 'line-too-long' });
          this.reset();
        }
        break;
      }
      const line = this.#pending.subarray(0, lf + 1);
      this.#pending = this.#pending.subarray(lf + 1);
      if (line.length > this.maxLine) {
        out.push({ kind: 'line-too-long' });
        this.reset();
        break;
      }
      this.#parts.push(line);
      this.#held += line.length;
      const m = ANNOUNCE.exec(line.toString('latin1', Math.max(0, line.length - 20)));
      if (!m) {
        const whole = Buffer.concat(this.#parts);
        this.#parts = [];
        this.#held = 0;
        out.push({ kind: 'command', bytes: whole.subarray(0, whole.length - (whole[whole.length - 2] === 0x0d ? 2 : 1)) });
        continue;
      }
      const size = Number(m[1]);
      const nonSync = m[2] === '+';
      if (size > this.maxLiteral || this.#held + size > this.maxCommand) {
        const first = this.#parts[0]!.toString('latin1');
        const sp = first.indexOf(' ');
        out.push({ kind: 'too-big', tag: sp > 0 ? first.slice(0, sp) : null, size, nonSync });
        this.#parts = [];
        this.#held = 0;
        if (nonSync) break; // its bytes are on their way: the listener closes the connection
        continue;
      }
      this.#held += size;
      this.#literalLeft = size;
      if (!nonSync) out.push({ kind: 'go-ahead' });
    }
    return out;
  }
}
