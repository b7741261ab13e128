// The rule editor's form model: flat string fields (what inputs hold) to and from the API's
// rule shape, and one-line summaries of a rule's match, when and action for the list.
// Validation stays on the server (validate.ts); its invalid_rule message names the field.
import type { FaultAction, FaultMatch, FaultRule, FaultRuleInput, FaultWhen, Stage } from './api';

export const STAGES: { value: Stage; label: string }[] = [
  { value: 'connect', label: 'connect (before the greeting)' },
  { value: 'ehlo', label: 'ehlo (EHLO/HELO)' },
  { value: 'auth', label: 'auth' },
  { value: 'mail', label: 'mail (MAIL FROM)' },
  { value: 'rcpt', label: 'rcpt (each RCPT TO)' },
  { value: 'data', label: 'data (end of DATA)' },
];
export const WHEN_MODES = ['always', 'probability', 'every', 'first', 'rate'] as const;
export const ACTION_TYPES = ['reject', 'tempfail', 'delay', 'disconnect', 'drop', 'slow'] as const;
/** Pattern fields of `match`; the last three are only known at stage data. */
export const MATCH_FIELDS = ['from', 'to', 'client', 'helo', 'authUser', 'subject', 'inbox'] as const;
export const DATA_ONLY = new Set<string>(['subject', 'inbox', 'header']);

type MatchField = (typeof MATCH_FIELDS)[number];

export interface RuleForm {
  id: string;
  name: string;
  enabled: boolean;
  stage: Stage;
  match: Record<MatchField, string>;
  headerName: string;
  headerValue: string;
  whenMode: (typeof WHEN_MODES)[number];
  probability: string;
  seed: string;
  n: string;
  limit: string;
  windowMs: string;
  actionType: (typeof ACTION_TYPES)[number];
  code: string;
  enhanced: string;
  text: string;
  delayMs: string;
  bytesPerSecond: string;
  maxBytesPerSecond: string;
}

const str = (v: number | undefined) => (v === undefined ? '' : String(v));

/** A fresh form: reject 550 at rcpt, always. */
export function emptyForm(): RuleForm {
  return {
    id: '',
    name: '',
    enabled: true,
    stage: 'rcpt',
    match: { from: '', to: '', client: '', helo: '', authUser: '', subject: '', inbox: '' },
    headerName: '',
    headerValue: '',
    whenMode: 'always',
    probability: '0.5',
    seed: '',
    n: '1',
    limit: '10',
    windowMs: '1000',
    actionType: 'reject',
    code: '550',
    enhanced: '',
    text: '',
    delayMs: '',
    bytesPerSecond: '2048',
    maxBytesPerSecond: '',
  };
}

/** The form for editing an existing rule. */
export function formFromRule(rule: FaultRule): RuleForm {
  const f = emptyForm();
  f.id = rule.id;
  f.name = rule.name;
  f.enabled = rule.enabled;
  f.stage = rule.stage;
  for (const k of MATCH_FIELDS) f.match[k] = rule.match[k] ?? '';
  f.headerName = rule.match.header?.name ?? '';
  f.headerValue = rule.match.header?.value ?? '';
  const w = rule.when;
  f.whenMode = w.mode;
  if (w.mode === 'probability') [f.probability, f.seed] = [String(w.probability), str(w.seed)];
  if (w.mode === 'every' || w.mode === 'first') f.n = String(w.n);
  if (w.mode === 'rate') [f.limit, f.windowMs] = [String(w.limit), String(w.windowMs)];
  const a = rule.action;
  f.actionType = a.type;
  f.delayMs = str(a.delayMs);
  if (a.type === 'reject' || a.type === 'tempfail') [f.code, f.enhanced, f.text] = [String(a.code), a.enhanced ?? '', a.text ?? ''];
  if (a.type === 'slow') [f.bytesPerSecond, f.maxBytesPerSecond] = [String(a.bytesPerSecond), str(a.maxBytesPerSecond)];
  return f;
}

/** A number field: '' is absent; anything else is passed as a number (NaN as the raw text, so the server names it). */
function num(v: string): number | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : (t as unknown as number);
}

/** The API body for a form (without the id: the URL carries it on edit). */
export function ruleFromForm(f: RuleForm): FaultRuleInput {
  const match: FaultMatch = {};
  for (const k of MATCH_FIELDS) if (f.match[k].trim()) match[k] = f.match[k].trim();
  if (f.headerName.trim() || f.headerValue.trim()) match.header = { name: f.headerName.trim(), value: f.headerValue.trim() };
  let when: FaultWhen;
  switch (f.whenMode) {
    case 'probability': {
      const seed = num(f.seed);
      when = { mode: 'probability', probability: num(f.probability)!, ...(seed !== undefined ? { seed } : {}) };
      break;
    }
    case 'every':
    case 'first':
      when = { mode: f.whenMode, n: num(f.n)! };
      break;
    case 'rate':
      when = { mode: 'rate', limit: num(f.limit)!, windowMs: num(f.windowMs) ?? 1000 };
      break;
    default:
      when = { mode: 'always' };
  }
  const delayMs = num(f.delayMs);
  const delay = delayMs !== undefined ? { delayMs } : {};
  let action: FaultAction;
  switch (f.actionType) {
    case 'reject':
    case 'tempfail':
      action = {
        type: f.actionType,
        code: num(f.code) ?? (f.actionType === 'reject' ? 550 : 451),
        ...(f.enhanced.trim() ? { enhanced: f.enhanced.trim() } : {}),
        ...(f.text ? { text: f.text } : {}),
        ...delay,
      };
      break;
    case 'delay':
      action = { type: 'delay', delayMs: delayMs! };
      break;
    case 'slow': {
      const max = num(f.maxBytesPerSecond);
      action = { type: 'slow', bytesPerSecond: num(f.bytesPerSecond)!, ...(max !== undefined ? { maxBytesPerSecond: max } : {}), ...delay };
      break;
    }
    default:
      action = { type: f.actionType, ...delay };
  }
  return { ...(f.name.trim() ? { name: f.name.trim() } : {}), enabled: f.enabled, stage: f.stage, match, when, action };
}

/** "to=*@slow.test, header X-Case=bounce-*" or "anything". */
export function describeMatch(m: FaultMatch): string {
  const parts = MATCH_FIELDS.filter((k) => m[k] !== undefined).map((k) => `${k}=${m[k]}`);
  if (m.header) parts.push(`header ${m.header.name}=${m.header.value}`);
  return parts.length ? parts.join(', ') : 'anything';
}

/** 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd". */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

export function describeWhen(w: FaultWhen): string {
  switch (w.mode) {
    case 'always':
      return 'always';
    case 'probability':
      return `p=${w.probability}${w.seed !== undefined ? ` (seed ${w.seed})` : ''}`;
    case 'every':
      return w.n === 1 ? 'every time' : `every ${ordinal(w.n)}`;
    case 'first':
      return `first ${w.n}`;
    case 'rate':
      return `above ${w.limit} per ${w.windowMs >= 1000 && w.windowMs % 1000 === 0 ? `${w.windowMs / 1000} s` : `${w.windowMs} ms`}`;
  }
}

export function describeAction(a: FaultAction): string {
  const wait = a.delayMs ? ` after ${a.delayMs} ms` : '';
  switch (a.type) {
    case 'reject':
    case 'tempfail':
      return `${a.code}${a.enhanced ? ` ${a.enhanced}` : ''}${a.text ? ` ${a.text}` : ''}${wait}`;
    case 'delay':
      return `delay ${a.delayMs} ms`;
    case 'slow':
      return `slow DATA to ${a.bytesPerSecond}${a.maxBytesPerSecond ? `–${a.maxBytesPerSecond}` : ''} B/s${wait}`;
    default:
      return `${a.type}${wait}`;
  }
}

