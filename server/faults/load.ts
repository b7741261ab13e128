// Rules from the outside world at start: the --faults-file JSON and the compact --faults flag.
//
// --faults takes comma-separated rules "stage:what[:when]":
//   what: a reply code (4xx tempfail, 5xx reject), optionally with an enhanced code "451-4.3.0";
//         delay=3s | disconnect | drop | slow=1024 (bytes/s)
//   when: p=0.3 or p=30% | every=3 | first=2 | rate=10/s (more than 10 per second) | rate=5/1m
// e.g. --faults 'rcpt:451:p=0.5,data:552:every=3,connect:disconnect:first=1,data:delay=2s'
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- parameters carry the shape rule input should have, but the values are untrusted JSON (API, files, flags): every check is real */

import { readFile } from 'node:fs/promises';
import { parseDuration } from '../config-values.js';
import { RuleError, STAGES, type FaultAction, type FaultRuleInput, type FaultWhen, type Stage } from './rules.js';

function parseWhat(what: string): FaultAction {
  let m = /^(\d{3})(?:-(\d\.\d{1,3}\.\d{1,3}))?$/.exec(what);
  if (m) {
    const code = Number(m[1]);
    if (code < 400 || code > 599) throw new RuleError(`reply code ${code} must be 4xx or 5xx`);
    return { type: code >= 500 ? 'reject' : 'tempfail', code, ...(m[2] ? { enhanced: m[2] } : {}) };
  }
  if ((m = /^delay=(.+)$/.exec(what))) {
    try {
      return { type: 'delay', delayMs: parseDuration(m[1]!) };
    } catch (err) {
      throw new RuleError(`delay: ${(err as Error).message}`);
    }
  }
  if (what === 'disconnect' || what === 'drop') return { type: what };
  if ((m = /^slow=(\d+)$/.exec(what))) return { type: 'slow', bytesPerSecond: Number(m[1]) };
  throw new RuleError(`"${what}" is not a reply code, delay=<duration>, disconnect, drop or slow=<bytes per second>`);
}

function parseWhen(when: string): FaultWhen {
  let m = /^p=(\d+(?:\.\d+)?)(%?)$/.exec(when);
  if (m) return { mode: 'probability', probability: Number(m[1]) / (m[2] ? 100 : 1) };
  if ((m = /^(every|first)=(\d+)$/.exec(when))) return { mode: m[1] as 'every' | 'first', n: Number(m[2]) };
  if ((m = /^rate=(\d+)\/(\d*)(ms|s|m|h)$/.exec(when))) {
    return { mode: 'rate', limit: Number(m[1]), windowMs: parseDuration(`${m[2] || '1'}${m[3]}`) };
  }
  if (when === 'always') return { mode: 'always' };
  throw new RuleError(`"${when}" is not always, p=<0..1 or %>, every=<n>, first=<n> or rate=<n>/<duration>`);
}

/** Parses the --faults flag value into rule inputs (validated later by the controller). */
export function parseCompactRules(spec: string): FaultRuleInput[] {
  const out: FaultRuleInput[] = [];
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [stage, what, when, ...rest] = item.split(':');
    if (!stage || !what || rest.length) throw new RuleError(`"${item}" is not stage:what[:when]`);
    if (!STAGES.includes(stage as Stage)) throw new RuleError(`"${item}": stage must be one of ${STAGES.join(', ')}`);
    out.push({ name: item, stage: stage as Stage, action: parseWhat(what), ...(when ? { when: parseWhen(when) } : {}) });
  }
  return out;
}

/** Reads a rules file: a JSON array of rules, or {"rules": [...]}. */
export async function loadRulesFile(path: string): Promise<FaultRuleInput[]> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RuleError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const rules = Array.isArray(data) ? data : (data as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) throw new RuleError(`${path} must hold a JSON array of rules or {"rules": [...]}`);
  return rules as FaultRuleInput[];
}
