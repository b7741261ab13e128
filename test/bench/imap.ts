// IMAP beside Dovecot (dovecot-imapd over a Maildir holding the same messages): one session's
// UID FETCH 1:* BODY.PEEK[] of N stored 2 KB messages (median of 3); UID SEARCH over N and 10 N messages (a header
// key and a body key, each warmed once, then the median of 5; and the median of 50 fetches of one
// message's flags and header, what a mail client mostly sends); and IDLE latency, delivery → the
// idling client's EXISTS, for 200 messages at 20 a second (Mailroom: from the SMTP 250 the sender
// reads; Dovecot: from the rename into new/ that a local delivery agent does).

import { makeMessage, recipientOf } from './message.js';
import { startDovecot, type Dovecot } from './dovecot.js';
import { BenchImap } from './imap-client.js';
import { startServerProcess, type ServerProcess, type ServerProcessOptions } from './server-process.js';
import { runLoad } from './smtp-load.js';
import { MB, now, percentile, sleep } from './stats.js';

export const IMAP_SEARCHES = ['TO user7@example.test', 'BODY needle'] as const;
const SEARCH_ROUNDS = 5;
const FETCH_ROUNDS = 3;
const ONE_FETCHES = 50;
export const ONE_FETCH = 'one message: UID FETCH n (FLAGS BODY.PEEK[HEADER])';
const IDLE_MESSAGES = 200;
const IDLE_RATE = 20;

export interface ImapSearchFigure {
  messages: number;
  key: string;
  medianMs: number;
  hits: number;
}

export interface ImapServerResult {
  server: 'Mailroom' | 'Dovecot';
  /** null when the server is not installed (see note). */
  fetch: { messages: number; ms: number; bytes: number } | null;
  search: ImapSearchFigure[];
  /** Delivery -> EXISTS, ms; negative when the EXISTS came before the 250. */
  idle: { n: number; p50: number; p99: number; max: number; missing: number } | null;
  note: string;
}

const message = (n: number) => makeMessage(n, 2048);

/** A logged-in session with INBOX selected, and how many messages the SELECT said exist. */
async function open(port: number): Promise<{ c: BenchImap; exists: number }> {
  const c = await BenchImap.open(port);
  await c.command('LOGIN bench bench');
  const selected = (await c.command('SELECT INBOX')).toString('latin1');
  return { c, exists: Number(/^\* (\d+) EXISTS/m.exec(selected)?.[1] ?? 0) };
}

const session = async (port: number) => (await open(port)).c;

async function fetchAll(port: number, count: number): Promise<ImapServerResult['fetch']> {
  const c = await session(port);
  try {
    const times: number[] = [];
    let answer: Buffer = Buffer.alloc(0);
    for (let i = 0; i < FETCH_ROUNDS; i++) {
      const started = now();
      answer = await c.command('UID FETCH 1:* (BODY.PEEK[])');
      times.push(now() - started);
    }
    const got = answer.toString('latin1').match(/^\* \d+ FETCH /gm)?.length ?? 0;
    if (got !== count) throw new Error(`UID FETCH returned ${got} of ${count} messages`);
    return { messages: count, ms: percentile(times, 50), bytes: answer.length };
  } finally {
    c.close();
  }
}

async function searches(port: number, count: number): Promise<ImapSearchFigure[]> {
  const c = await session(port);
  try {
    const out: ImapSearchFigure[] = [];
    for (const key of IMAP_SEARCHES) {
      const hitsOf = (b: Buffer) => (/^\* SEARCH([^\r]*)/m.exec(b.toString('latin1'))?.[1] ?? '').trim().split(' ').filter(Boolean).length;
      const hits = hitsOf(await c.command(`UID SEARCH ${key}`)); // warm-up: indexes and caches
      const times: number[] = [];
      for (let i = 0; i < SEARCH_ROUNDS; i++) {
        const started = now();
        await c.command(`UID SEARCH ${key}`);
        times.push(now() - started);
      }
      out.push({ messages: count, key, medianMs: percentile(times, 50), hits });
    }
    // What a mail client does most: fetch one message's flags and header, anywhere in the mailbox.
    const times: number[] = [];
    for (let i = 0; i < ONE_FETCHES; i++) {
      const uid = 1 + Math.floor(((i * 7919) % ONE_FETCHES) * (count / ONE_FETCHES));
      const started = now();
      await c.command(`UID FETCH ${uid} (FLAGS BODY.PEEK[HEADER])`);
      times.push(now() - started);
    }
    out.push({ messages: count, key: ONE_FETCH, medianMs: percentile(times, 50), hits: 1 });
    return out;
  } finally {
    c.close();
  }
}

/** Idles on INBOX while `deliver(i, at)` is called IDLE_MESSAGES times at IDLE_RATE; latency of each EXISTS. */
async function idleLatency(port: number, deliverAll: (delivered: (i: number, at: number) => void) => Promise<void>): Promise<ImapServerResult['idle']> {
  const { c, exists: base } = await open(port);
  try {
    const existsAt = new Map<number, number>();
    let seen = base;
    await c.idle((count, at) => {
      for (let k = seen + 1; k <= count; k++) existsAt.set(k, at); // one EXISTS may tell of several messages
      seen = Math.max(seen, count);
    });
    const deliveredAt = new Map<number, number>();
    await deliverAll((i, at) => deliveredAt.set(base + i + 1, at));
    const deadline = now() + 5000;
    while (seen < base + IDLE_MESSAGES && now() < deadline) await sleep(20); // bounded: the last EXISTS may trail the last delivery
    const diffs: number[] = [];
    for (const [k, at] of deliveredAt) {
      const e = existsAt.get(k);
      if (e !== undefined) diffs.push(e - at);
    }
    return { n: diffs.length, p50: percentile(diffs, 50), p99: percentile(diffs, 99), max: percentile(diffs, 100), missing: deliveredAt.size - diffs.length };
  } finally {
    c.close();
  }
}

function storeSmtp(server: ServerProcess, count: number, first = 0) {
  return runLoad({ port: server.smtpPort, sessions: 10, messages: count, firstNumber: first, message, recipient: recipientOf, deadlineMs: 600_000 });
}

async function mailroomServer(options: ServerProcessOptions, messages: number): Promise<ServerProcess> {
  return startServerProcess({ ...options, config: { ...options.config, imap: { host: '127.0.0.1', port: 0 }, maxMessages: messages * 2, maxStoreBytes: Math.max(512 * MB, messages * 32 * 1024) } });
}

/** Mailroom: `count` messages in over SMTP, then fetch, search and IDLE; then searches over `large`. */
export async function mailroomImap(count: number, large: number, options: ServerProcessOptions = {}): Promise<ImapServerResult> {
  const result: ImapServerResult = { server: 'Mailroom', fetch: null, search: [], idle: null, note: '' };
  let server = await mailroomServer(options, count);
  try {
    const load = await storeSmtp(server, count, 1);
    if (load.accepted !== count) throw new Error(`only ${load.accepted} of ${count} messages stored for the IMAP rows`);
    result.fetch = await fetchAll(server.imapPort!, count);
    result.search.push(...(await searches(server.imapPort!, count)));
    result.idle = await idleLatency(server.imapPort!, async (delivered) => {
      await runLoad({ port: server.smtpPort, sessions: 1, messages: IDLE_MESSAGES, firstNumber: 0, rate: IDLE_RATE, message: (n) => message(count + 1 + n), recipient: recipientOf, onAccepted: (n, at) => delivered(n, at) });
    });
  } finally {
    await server.close();
  }
  server = await mailroomServer(options, large);
  try {
    const load = await storeSmtp(server, large, 1);
    if (load.accepted !== large) throw new Error(`only ${load.accepted} of ${large} messages stored for the IMAP rows`);
    result.search.push(...(await searches(server.imapPort!, large)));
  } finally {
    await server.close();
  }
  result.note = 'SMTP-fed store, in memory';
  return result;
}

/** Dovecot over Maildirs of the same messages; n/a rows when dovecot-imapd is not installed. */
export async function dovecotImap(count: number, large: number): Promise<ImapServerResult> {
  const result: ImapServerResult = { server: 'Dovecot', fetch: null, search: [], idle: null, note: '' };
  let dovecot: Dovecot | string = await startDovecot('imap', count, message);
  if (typeof dovecot === 'string') return { ...result, note: dovecot.replace('dovecot-imapd', 'dovecot-imapd') };
  try {
    const d = dovecot;
    await searches(d.port, count); // the first SELECT of a fresh Maildir builds Dovecot's index: not timed
    result.fetch = await fetchAll(d.port, count);
    result.search.push(...(await searches(d.port, count)));
    result.idle = await idleLatency(d.port, async (delivered) => {
      const started = now();
      for (let i = 0; i < IDLE_MESSAGES; i++) {
        const due = started + (i * 1000) / IDLE_RATE;
        if (due > now()) await sleep(due - now()); // pacing: the offered load's schedule
        d.deliver(`idle-${i}.bench`, message(count + 1 + i));
        delivered(i, now());
      }
    });
    result.note = d.note;
  } finally {
    dovecot.stop();
  }
  dovecot = await startDovecot('imap', large, message);
  if (typeof dovecot === 'string') return result;
  try {
    await searches(dovecot.port, large); // index build, untimed
    result.search.push(...(await searches(dovecot.port, large)));
  } finally {
    dovecot.stop();
  }
  return result;
}
