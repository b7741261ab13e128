// Failure-injection rules: the model, validation of untrusted input (file, flags, API), matching
// against what the SMTP session knows at a hook point, and the "when does it fire" logic.
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
const MAX_RATE_WINDOW_EVENTS = 100_000; // largest rate limit; a rate rule keeps at most limit+1 timestamps

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

const CONTENT_MATCHERS = ['subject', 'header', 'inbox'] as const;

function num(v: unknown, field: string, min: number, max: number, integer = true): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new RuleError(`${field} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

function optDelay(v: unknown): number | undefined {
  return v === undefined ? undefined : num(v, 'action.delayMs', 0, MAX_DELAY_MS);
}

function checkAction(a: FaultAction, stage: Stage): FaultAction {
  if (!a || typeof a !== 'object') throw new RuleError('action is required');
  switch (a.type) {
    case 'reject':
    case 'tempfail': {
      const [lo, hi] = a.type === 'reject' ? [500, 599] : [400, 499];
      const code = num(a.code ?? (a.type === 'reject' ? 550 : 451), 'action.code', lo, hi);
      if (a.enhanced !== undefined && !new RegExp(`^${String(code)[0]}\\.\\d{1,3}\\.\\d{1,3}$`).test(a.enhanced)) {
        throw new RuleError(`action.enhanced must look like ${String(code)[0]}.x.y to go with ${code}`);
      }
      if (a.text !== undefined && (typeof a.text !== 'string' || a.text.length > 200 || /[\0-\x1f\x7f]/.test(a.text))) {
        throw new RuleError('action.text must be a single line of at most 200 characters');
      }
      return { type: a.type, code, ...(a.enhanced ? { enhanced: a.enhanced } : {}), ...(a.text !== undefined ? { text: a.text } : {}), ...(a.delayMs !== undefined ? { delayMs: optDelay(a.delayMs)! } : {}) };
    }
    case 'delay':
      return { type: 'delay', delayMs: num(a.delayMs, 'action.delayMs', 0, MAX_DELAY_MS) };
    case 'disconnect':
    case 'drop':
      if (a.type === 'drop' && stage === 'connect') throw new RuleError('drop does not apply at connect (use it at ehlo or later)');
      return { type: a.type, ...(a.delayMs !== undefined ? { delayMs: optDelay(a.delayMs)! } : {}) };
    case 'slow': {
      const bytesPerSecond = num(a.bytesPerSecond, 'action.bytesPerSecond', 1, 1 << 30);
      const out: FaultAction = { type: 'slow', bytesPerSecond };
      if (a.maxBytesPerSecond !== undefined) out.maxBytesPerSecond = num(a.maxBytesPerSecond, 'action.maxBytesPerSecond', bytesPerSecond, 1 << 30);
      if (a.delayMs !== undefined) out.delayMs = optDelay(a.delayMs)!;
      return out;
    }
    default:
      throw new RuleError(`action.type must be one of reject, tempfail, delay, disconnect, drop, slow`);
  }
}

function checkWhen(w: FaultWhen | undefined): FaultWhen {
  if (w === undefined) return { mode: 'always' };
  switch (w.mode) {
    case 'always':
      return { mode: 'always' };
    case 'probability':
      return { mode: 'probability', probability: num(w.probability, 'when.probability', 0, 1, false), ...(w.seed !== undefined ? { seed: num(w.seed, 'when.seed', 0, 2 ** 32 - 1) } : {}) };
    case 'every':
    case 'first':
      return { mode: w.mode, n: num(w.n, 'when.n', w.mode === 'first' ? 0 : 1, 1e9) };
    case 'rate':
      return { mode: 'rate', limit: num(w.limit, 'when.limit', 0, MAX_RATE_WINDOW_EVENTS - 1), windowMs: num(w.windowMs ?? 1000, 'when.windowMs', 1, 3_600_000) };
    default:
      throw new RuleError('when.mode must be one of always, probability, every, first, rate');
  }
}

function checkMatch(m: FaultMatch | undefined, stage: Stage): FaultMatch {
  if (m === undefined) return {};
  if (typeof m !== 'object') throw new RuleError('match must be an object');
  const out: FaultMatch = {};
  for (const key of ['from', 'to', 'client', 'helo', 'authUser', 'subject', 'inbox'] as const) {
    const v = m[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new RuleError(`match.${key} must be a string pattern`);
    compilePattern(v);
    out[key] = v;
  }
  if (m.header !== undefined) {
    if (typeof m.header?.name !== 'string' || !/^[\x21-\x39\x3b-\x7e]{1,100}$/.test(m.header.name) || typeof m.header.value !== 'string') {
      throw new RuleError('match.header needs a header name and a value pattern');
    }
    compilePattern(m.header.value);
    out.header = { name: m.header.name, value: m.header.value };
  }
  for (const key of CONTENT_MATCHERS) {
    if (out[key] !== undefined && stage !== 'data') throw new RuleError(`match.${key} is only known at stage data`);
  }
  for (const key of ['from', 'to'] as const) {
    if (out[key] !== undefined && (stage === 'connect' || stage === 'ehlo' || stage === 'auth' || (key === 'to' && stage === 'mail'))) {
      throw new RuleError(`match.${key} is not known yet at stage ${stage}`);
    }
  }
  if (out.helo !== undefined && stage === 'connect') throw new RuleError('match.helo is not known yet at stage connect');
  return out;
}

/** Validates and normalises rule input; throws RuleError naming the bad field. */
export function validateRule(input: FaultRuleInput): Omit<FaultRule, 'id' | 'stats'> & { id?: string } {
  if (!input || typeof input !== 'object') throw new RuleError('a rule must be an object');
  if (!STAGES.includes(input.stage)) throw new RuleError(`stage must be one of ${STAGES.join(', ')}`);
  if (input.id !== undefined && (typeof input.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(input.id))) {
    throw new RuleError('id must be 1-64 characters of A-Z a-z 0-9 _ . -');
  }
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 200)) throw new RuleError('name must be a string of at most 200 characters');
  const action = checkAction(input.action, input.stage);
  const match = checkMatch(input.match, input.stage);
  if (action.type === 'slow' && (match.subject || match.header || match.inbox)) {
    throw new RuleError('slow acts before the message is read, so it cannot match on subject, header or inbox');
  }
  return {
    ...(input.id !== undefined ? { id: input.id } : {}),
    name: input.name ?? '',
    enabled: input.enabled ?? true,
    stage: input.stage,
    match,
    when: checkWhen(input.when),
    action,
  };
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
