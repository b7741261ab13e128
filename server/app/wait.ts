// Waiting for mail: "answer as soon as N messages matching X exist", and the marker a test takes
// before it acts (anything stored after the marker counts, even if it arrived before the wait
// began). The scan of stored mail and the subscription happen in one synchronous stretch, so no
// message can slip between them.

import type { WaitOutcome } from '../events/waiters.js';
import { normalizeInbox } from '../mail/inbox-route.js';
import type { StoredMessage } from '../mail/types.js';
import { MAX_PAGE } from '../store/store.js';
import type { AppContext } from './context.js';
import { DomainError, invalid } from './errors.js';
import { compileSearch } from './scope.js';

/** Timeout when the caller names none. */
export const DEFAULT_WAIT_MS = 30_000;
/** Most messages one wait may ask for. */
export const MAX_WAIT_COUNT = 1000;
const MAX_WAITERS = 10_000; // held waits at once; each is an open connection and a timer

export interface WaitInput {
  query?: string | undefined;
  tz?: string | undefined;
  inbox?: string | null | undefined;
  /** How long to wait (ms), cut to the server's --max-wait; default DEFAULT_WAIT_MS. */
  timeoutMs?: number | undefined;
  /** A marker from marker() or a previous answer: only messages stored after it count. */
  since?: string | undefined;
  /** How many matching messages end the wait (default 1). */
  count?: number | undefined;
}

/** How a wait ended: the matches (oldest first), or what was seen before the deadline. */
export type WaitResult =
  | { status: 'matched'; messages: StoredMessage[]; marker: string }
  | {
      status: 'timeout';
      /** One sentence for people: what was awaited, for how long, what came instead. */
      message: string;
      query: string;
      inbox: string | null;
      timeoutMs: number;
      count: number;
      found: StoredMessage[];
      arrived: number;
      recent: StoredMessage[];
      /** The newest marker, to wait again from here. */
      marker: string;
    }
  | { status: 'cancelled' };

const markerOf = (seq: number) => seq.toString(36);
const MARKER = /^[0-9a-z]{1,12}$/;

function newestSeq(ctx: AppContext): number {
  return ctx.store.list({ limit: 1 }).messages[0]?.seq ?? 0;
}

/** A marker for "since": messages stored after this call are newer than it. */
export async function marker(ctx: AppContext): Promise<string> {
  return markerOf(newestSeq(ctx));
}

/** One line naming a message in a timeout report. */
function describe(m: StoredMessage): string {
  const to = m.view.to.map((a) => a.address).join(', ') || m.envelope.rcptTo.join(', ');
  return `${JSON.stringify(m.view.subject)} to ${to || '(nobody)'}`;
}

/** Waits until the wanted message(s) exist; `signal` releases the wait when the caller goes away. */
export async function waitFor(ctx: AppContext, input: WaitInput, options: { signal?: AbortSignal } = {}): Promise<WaitResult> {
  const query = input.query ?? '';
  const inbox = normalizeInbox(input.inbox ?? '') || null; // inbox names are stored folded
  const count = input.count ?? 1;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_WAIT_COUNT)) throw invalid(`count must be a whole number from 1 to ${MAX_WAIT_COUNT}`, 'count');
  const timeoutMs = Math.min(input.timeoutMs ?? DEFAULT_WAIT_MS, ctx.maxWait);
  const predicate = query.trim() ? compileSearch(query, input.tz) : () => true;
  if (ctx.waits.size >= MAX_WAITERS) throw new DomainError('too-many', `${MAX_WAITERS} waits are already held; retry when some have answered`, { code: 'too_many_waits' });

  // Scan what is stored, then subscribe, in one synchronous stretch: nothing can slip between.
  let found: StoredMessage[];
  let arrived: StoredMessage[] = [];
  if (input.since !== undefined) {
    if (!MARKER.test(input.since)) throw invalid(`since ${JSON.stringify(input.since)} is not a marker`, 'since', 'invalid_marker');
    const sinceSeq = Number.parseInt(input.since, 36);
    // Markers count arrivals; one beyond the count comes from another (or a restarted) server.
    if (sinceSeq > ctx.store.stats().received) throw invalid(`marker ${input.since} is newer than any message this server has received (was it restarted? take a new marker)`, 'since', 'invalid_marker');
    let cursor: string | null = null;
    do {
      const page = ctx.store.list({ limit: MAX_PAGE, cursor, inbox, filter: (m) => m.seq > sinceSeq });
      arrived.push(...page.messages);
      cursor = page.nextCursor;
    } while (cursor);
    arrived = arrived.reverse(); // oldest first
    found = arrived.filter(predicate).slice(0, count);
  } else {
    found = ctx.store.list({ limit: count, inbox, filter: predicate }).messages.reverse();
  }
  const handle = ctx.waits.wait({ inbox, matches: predicate, count, timeoutMs, found, arrived });
  options.signal?.addEventListener('abort', () => handle.cancel(), { once: true });
  const outcome: WaitOutcome = await handle.done;

  switch (outcome.status) {
    case 'matched':
      return { status: 'matched', messages: outcome.messages, marker: markerOf(outcome.messages[outcome.messages.length - 1]!.seq) };
    case 'closing':
      throw new DomainError('unavailable', 'the server is shutting down', { code: 'shutting_down' });
    case 'cancelled':
      return { status: 'cancelled' };
  }
  const countMode = input.count !== undefined;
  const matching = query.trim() ? ` matching \`${query}\`` : '';
  const what = countMode ? `not ${count} messages${matching}` : `no message${matching}`;
  const scope = inbox ? ` in inbox ${JSON.stringify(inbox)}` : '';
  const got = countMode ? ` (${outcome.found.length} found)` : '';
  const list = outcome.recent.length ? ': ' + outcome.recent.map(describe).join('; ') + (outcome.arrived > outcome.recent.length ? '; …' : '') : '';
  const message = `${what}${scope} within ${timeoutMs} ms${got}; ${outcome.arrived} message${outcome.arrived === 1 ? '' : 's'} arrived meanwhile${list}`;
  return { status: 'timeout', message, query, inbox, timeoutMs, count, found: outcome.found, arrived: outcome.arrived, recent: outcome.recent, marker: markerOf(newestSeq(ctx)) };
}
