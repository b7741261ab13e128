// The FaultController: the live rule set (add, change, remove, clear, fire counts) and the one
// question the SMTP hooks ask at each hook point: "does a rule fire for this event, and what
// does it do?". Rules are tried in order; the first that fires decides (Haraka's habit).
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- parameters carry the shape rule input should have, but the values are untrusted JSON (API, files, flags): every check is real */

import { randomBytes } from 'node:crypto';
import { validateRule } from './validate.js';
import { CompiledRule, RuleError, STAGES, seededRandom, type FaultAction, type FaultRule, type FaultRuleInput, type HookFacts, type Stage } from './rules.js';

/** What a firing rule asks the session to do. */
export interface FaultVerdict {
  action: FaultAction;
  rule: { id: string; name: string };
}

/** A rule id that does not exist (404) or already exists (409). */
export class RuleLookupError extends Error {
  override name = 'RuleLookupError';
  constructor(
    readonly code: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface FaultControllerOptions {
  /** Seed for probability rules without their own seed; random when undefined. */
  seed?: number;
  /** Whether magic addresses act (see magic.ts). */
  magicAddresses: boolean;
  /** Most rules held at once (each is cheap, but the list is user-controlled). */
  maxRules?: number;
  now?: () => number;
}

/** The live rule set. */
export interface FaultController {
  list(): FaultRule[];
  get(id: string): FaultRule | undefined;
  /** Adds a rule at the end (or at `position`); throws RuleError / RuleLookupError('conflict'). */
  add(input: FaultRuleInput, position?: number): FaultRule;
  /** Replaces a rule's definition, keeping its id, position and counts. */
  replace(id: string, input: FaultRuleInput): FaultRule;
  /** Merges fields into a rule (match/when/action are replaced whole when given). */
  patch(id: string, fields: Partial<FaultRuleInput>): FaultRule;
  remove(id: string): boolean;
  /** Removes every rule (or those whose id starts with `prefix`); returns how many. */
  clear(prefix?: string): number;
  /** Zeroes every rule's counts. */
  resetStats(): void;
  /** True when some enabled rule sits at this stage: the hooks skip building facts otherwise. */
  active(stage: Stage): boolean;
  /** Counts the event against matching rules and returns the first that fires, or null. */
  evaluate(facts: HookFacts): FaultVerdict | null;
  magicAddresses: boolean;
}

const DEFAULT_MAX_RULES = 1000;

/** Creates a controller with the given initial rules (validated; throws RuleError). */
export function createFaultController(options: FaultControllerOptions, initial: readonly FaultRuleInput[] = []): FaultController {
  const now = options.now ?? Date.now;
  const random = seededRandom(options.seed ?? randomBytes(4).readUInt32LE(0));
  const maxRules = options.maxRules ?? DEFAULT_MAX_RULES;
  let rules: CompiledRule[] = [];
  const perStage = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  let nextId = 1;

  function recount(): void {
    for (const s of STAGES) perStage.set(s, 0);
    for (const r of rules) if (r.rule.enabled) perStage.set(r.rule.stage, perStage.get(r.rule.stage)! + 1);
  }
  function indexOf(id: string): number {
    const i = rules.findIndex((r) => r.rule.id === id);
    if (i === -1) throw new RuleLookupError('not_found', `rule ${id} not found`);
    return i;
  }
  function compile(input: FaultRuleInput, id: string, stats: FaultRule['stats']): CompiledRule {
    const v = validateRule(input);
    return new CompiledRule({ ...v, id, stats }, random);
  }
  const snapshot = (r: CompiledRule): FaultRule => structuredClone(r.rule);
  const freshStats = (): FaultRule['stats'] => ({ matched: 0, fired: 0, lastFiredAt: null });

  const controller: FaultController = {
    magicAddresses: options.magicAddresses,
    list: () => rules.map(snapshot),
    get(id) {
      const r = rules.find((x) => x.rule.id === id);
      return r ? snapshot(r) : undefined;
    },
    add(input, position) {
      if (rules.length >= maxRules) throw new RuleError(`at most ${maxRules} rules; clear some first`);
      let id = input?.id;
      if (id !== undefined && rules.some((r) => r.rule.id === id)) throw new RuleLookupError('conflict', `rule ${id} already exists`);
      if (id === undefined) {
        do id = `rule-${nextId++}`;
        while (rules.some((r) => r.rule.id === id));
      }
      const compiled = compile(input, id, freshStats());
      const at = position === undefined ? rules.length : Math.max(0, Math.min(position, rules.length));
      rules = [...rules.slice(0, at), compiled, ...rules.slice(at)];
      recount();
      return snapshot(compiled);
    },
    replace(id, input) {
      const i = indexOf(id);
      if (input.id !== undefined && input.id !== id) throw new RuleError('id in the body differs from the id in the path');
      const compiled = compile({ ...input, id }, id, rules[i]!.rule.stats);
      rules = rules.map((r, j) => (j === i ? compiled : r));
      recount();
      return snapshot(compiled);
    },
    patch(id, fields) {
      const i = indexOf(id);
      const { stats: _stats, ...current } = rules[i]!.rule;
      return controller.replace(id, { ...current, ...fields, id });
    },
    remove(id) {
      const before = rules.length;
      rules = rules.filter((r) => r.rule.id !== id);
      recount();
      return rules.length < before;
    },
    clear(prefix) {
      const before = rules.length;
      rules = prefix === undefined ? [] : rules.filter((r) => !r.rule.id.startsWith(prefix));
      recount();
      return before - rules.length;
    },
    resetStats() {
      for (const r of rules) Object.assign(r.rule.stats, freshStats());
    },
    active: (stage) => perStage.get(stage)! > 0,
    evaluate(facts) {
      if (perStage.get(facts.stage) === 0) return null;
      const t = now();
      for (const r of rules) {
        if (r.consider(facts, t)) return { action: r.rule.action, rule: { id: r.rule.id, name: r.rule.name } };
      }
      return null;
    },
  };
  for (const input of initial) controller.add(input);
  return controller;
}
