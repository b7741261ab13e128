// Validation of untrusted rule input (rules file, --faults, the API): every field checked, defaults
// filled in, errors that name the field and say why.
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- parameters carry the shape rule input should have, but the values are untrusted JSON (API, files, flags): every check is real */

import { compilePattern, MAX_DELAY_MS, MAX_RATE_WINDOW_EVENTS, RuleError, STAGES, type FaultAction, type FaultMatch, type FaultRule, type FaultRuleInput, type FaultWhen, type Stage } from './rules.js';

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
      // eslint-disable-next-line no-control-regex -- refusing control characters
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

