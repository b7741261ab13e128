// Failure-injection rules: the model, matching against what the SMTP session knows at a hook
// point, and the "when does it fire" logic (validation of untrusted input is in validate.ts).
// Pure apart from the clock and RNG it is given, so tests can make every decision deterministic.

/** Named hook points of an SMTP session, in the order they happen. 'data' is the end of DATA. */
export const STAGES = ['connect', 'ehlo', 'auth', 'mail', 'rcpt', 'data'] as const;
export type Stage = (typeof STAGES)[number];

/** What a firing rule does. Any action may first wait `delayMs`. */
export type FaultAction =
  /** Reply with a 5xx (reject) or 4xx (tempfail) code; the command (or message) is refused. */
  | { type: 'reject' | 'tempfail'; code: number; enhanced?: string; text?: string; delayMs?: number }
  /** Wait, then carry on as if nothing happened. */
  | { type: 'delay'; delayMs: number }
  /** Close the connection without a reply. */
  | { type: 'disconnect'; delayMs?: number }
  /** Carry on and answer 250 at the end of DATA, but do not store the message. */
  | { type: 'drop'; delayMs?: number }
  /** Read the DATA of this session/transaction at this many bytes per second (a random rate in [bytesPerSecond, maxBytesPerSecond] when both are given). */
  | { type: 'slow'; bytesPerSecond: number; maxBytesPerSecond?: number; delayMs?: number };

/** When a matching event makes the rule fire. Counts are of matching events. */
export type FaultWhen =
  | { mode: 'always' }
  | { mode: 'probability'; probability: number; seed?: number }
  | { mode: 'every'; n: number }
  | { mode: 'first'; n: number }
  /** Fires for each matching event beyond `limit` within the last `windowMs` (sliding window). */
  | { mode: 'rate'; limit: number; windowMs: number };

/** Which events a rule applies to. Patterns: glob with * and ? (case-insensitive), or /regex/flags. */
export interface FaultMatch {
  from?: string;
  /** At 'rcpt' the recipient being added; at 'data' any recipient. */
  to?: string;
  client?: string;
  helo?: string;
  authUser?: string;
  /** Only at 'data'. */
  subject?: string;
  /** Only at 'data': a header by name whose (unfolded) value matches the pattern. */
  header?: { name: string; value: string };
  /** Only at 'data': the inbox the message would be filed in. */
  inbox?: string;
}

/** A rule as given by a user. */
export interface FaultRuleInput {
  id?: string;
  name?: string;
  enabled?: boolean;
  stage: Stage;
  match?: FaultMatch;
  when?: FaultWhen;
  action: FaultAction;
}

/** How often a rule matched and fired. */
export interface FaultRuleStats {
  matched: number;
  fired: number;
  lastFiredAt: string | null;
}

/** A rule as the API reports it. */
export interface FaultRule extends Required<Omit<FaultRuleInput, 'match' | 'when'>> {
  match: FaultMatch;
  when: FaultWhen;
  stats: FaultRuleStats;
}

/** What the session knows at a hook point. */
export interface HookFacts {
  stage: Stage;
  /** At 'data': 'start' (before reading: only slow rules apply) or 'end' (after: all others). */
  dataPhase?: 'start' | 'end';
  client: string;
  helo: string;
  authUser: string | null;
  from: string | null;
  to: readonly string[];
  subject?: string;
  /** Unfolded values of a header, by case-insensitive name. */
  header?: (name: string) => string[];
  inbox?: string;
}

/** Bad rule input; the message says which field and why. */
export class RuleError extends Error {
  override name = 'RuleError';
}

export const MAX_DELAY_MS = 120_000; // longest injected delay: beyond it clients give up anyway
const MAX_PATTERN = 512;
export const MAX_RATE_WINDOW_EVENTS = 100_000; // largest rate limit; a rate rule keeps at most limit+1 timestamps

/** A small, fast seedable PRNG (mulberry32): same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Compiles a pattern: "/re/flags" is a regular expression, anything else a case-insensitive glob. */
export function compilePattern(pattern: string): (value: string) => boolean {
  if (pattern.length > MAX_PATTERN) throw new RuleError(`pattern longer than ${MAX_PATTERN} characters`);
  const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    try {
      const rx = new RegExp(re[1]!, re[2]!.replace(/[gy]/g, ''));
      return (v) => rx.test(v);
    } catch (err) {
      throw new RuleError(`invalid regular expression ${pattern}: ${(err as Error).message}`);
    }
  }
  const rx = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'is');
  return (v) => rx.test(v);
}

/** A rule with its compiled matchers and its firing state. */
export class CompiledRule {
  readonly rule: FaultRule;
  readonly #tests: Array<(f: HookFacts) => boolean> = [];
  readonly #random: (() => number) | null;
  #times: number[] = [];
  #timesHead = 0;

  constructor(rule: FaultRule, fallbackRandom: () => number) {
    this.rule = rule;
    const m = rule.match;
    const add = (pattern: string | undefined, get: (f: HookFacts) => string | null | undefined) => {
      if (pattern === undefined) return;
      const test = compilePattern(pattern);
      this.#tests.push((f) => {
        const v = get(f);
        return v !== null && v !== undefined && test(v);
      });
    };
    add(m.from, (f) => f.from);
    add(m.client, (f) => f.client);
    add(m.helo, (f) => f.helo);
    add(m.authUser, (f) => f.authUser);
    add(m.subject, (f) => f.subject);
    add(m.inbox, (f) => f.inbox);
    if (m.to !== undefined) {
      const test = compilePattern(m.to);
      this.#tests.push((f) => f.to.some(test));
    }
    if (m.header) {
      const { name } = m.header;
      const test = compilePattern(m.header.value);
      this.#tests.push((f) => (f.header ? f.header(name).some(test) : false));
    }
    const w = rule.when;
    this.#random = w.mode === 'probability' ? (w.seed !== undefined ? seededRandom(w.seed) : fallbackRandom) : null;
  }

  /** Counts a matching event and says whether the rule fires for it. */
  consider(facts: HookFacts, now: number): boolean {
    const r = this.rule;
    if (!r.enabled || r.stage !== facts.stage) return false;
    if (facts.dataPhase !== undefined && (r.action.type === 'slow') !== (facts.dataPhase === 'start')) return false;
    for (const t of this.#tests) if (!t(facts)) return false;
    const seen = ++r.stats.matched;
    let fire: boolean;
    const w = r.when;
    switch (w.mode) {
      case 'always':
        fire = true;
        break;
      case 'probability':
        fire = this.#random!() < w.probability;
        break;
      case 'every':
        fire = seen % w.n === 0;
        break;
      case 'first':
        fire = seen <= w.n;
        break;
      case 'rate':
        fire = this.#overRate(now, w.limit, w.windowMs);
        break;
    }
    if (fire) {
      r.stats.fired++;
      r.stats.lastFiredAt = new Date(now).toISOString();
    }
    return fire;
  }

  #overRate(now: number, limit: number, windowMs: number): boolean {
    const times = this.#times;
    while (this.#timesHead < times.length && times[this.#timesHead]! <= now - windowMs) this.#timesHead++;
    if (this.#timesHead > 1024 && this.#timesHead > times.length / 2) {
      this.#times = times.slice(this.#timesHead);
      this.#timesHead = 0;
    }
    this.#times.push(now);
    // Only the newest limit+1 timestamps matter: the count is "more than limit" iff they are all in the window.
    if (this.#times.length - this.#timesHead > limit + 1) this.#timesHead++;
    return this.#times.length - this.#timesHead > limit;
  }
}
