// Failure injection as use cases: the rule list with fire counts (add, replace, patch, remove,
// clear, reset counts), the magic-address switch, and the list of refused or dropped attempts.
// Rule errors become DomainErrors (invalid_rule, not_found, conflict) for every door to word.

import { RuleLookupError } from '../faults/controller.js';
import type { RejectedAttempt } from '../faults/rejected-log.js';
import { RuleError, type FaultRule, type FaultRuleInput } from '../faults/rules.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';

/** The rules in evaluation order and the magic-address switch. */
export interface FaultRules {
  rules: FaultRule[];
  magicAddresses: boolean;
}

function faultsOf(ctx: AppContext): NonNullable<AppContext['faults']> {
  if (!ctx.faults) throw new DomainError('unavailable', 'failure injection is not available on this server');
  return ctx.faults;
}

/** Runs a rule change, turning the controller's errors into DomainErrors. */
function ruling<T>(change: () => T): T {
  try {
    return change();
  } catch (err) {
    if (err instanceof RuleError) throw new DomainError('invalid', err.message, { code: 'invalid_rule' });
    if (err instanceof RuleLookupError) throw new DomainError(err.code === 'not_found' ? 'not-found' : 'conflict', err.message, { code: err.code });
    throw err;
  }
}

export async function listFaultRules(ctx: AppContext): Promise<FaultRules> {
  const { controller } = faultsOf(ctx);
  return { rules: controller.list(), magicAddresses: controller.magicAddresses };
}

/** One rule with its counts; `not-found` for an unknown id. */
export async function getFaultRule(ctx: AppContext, id: string): Promise<FaultRule> {
  const rule = faultsOf(ctx).controller.get(id);
  if (!rule) throw new DomainError('not-found', `rule ${id} not found`);
  return rule;
}

/** Adds a rule at the end or at `position`. */
export async function addFaultRule(ctx: AppContext, input: FaultRuleInput, position?: number): Promise<FaultRule> {
  const { controller } = faultsOf(ctx);
  return ruling(() => controller.add(input, position));
}

/** Replaces rule `id` (its counts kept), or creates it when the id is new. */
export async function putFaultRule(ctx: AppContext, id: string, input: FaultRuleInput): Promise<{ rule: FaultRule; created: boolean }> {
  const { controller } = faultsOf(ctx);
  if (!controller.get(id)) return { rule: ruling(() => controller.add({ ...input, id })), created: true };
  return { rule: ruling(() => controller.replace(id, input)), created: false };
}

/** Changes some fields of rule `id`. */
export async function patchFaultRule(ctx: AppContext, id: string, fields: Partial<FaultRuleInput>): Promise<FaultRule> {
  const { controller } = faultsOf(ctx);
  return ruling(() => controller.patch(id, fields));
}

/** Removes rule `id`; `not-found` when there is none. */
export async function deleteFaultRule(ctx: AppContext, id: string): Promise<void> {
  if (!faultsOf(ctx).controller.remove(id)) throw new DomainError('not-found', `rule ${id} not found`);
}

/** Removes every rule; returns how many there were. */
export async function clearFaultRules(ctx: AppContext): Promise<number> {
  return faultsOf(ctx).controller.clear();
}

/** Zeroes every rule's matched/fired counts. */
export async function resetFaultCounts(ctx: AppContext): Promise<FaultRules> {
  faultsOf(ctx).controller.resetStats();
  return listFaultRules(ctx);
}

/** Turns magic addresses on or off; returns the new setting. */
export async function setMagicAddresses(ctx: AppContext, on: boolean): Promise<boolean> {
  const { controller } = faultsOf(ctx);
  controller.magicAddresses = on;
  return controller.magicAddresses;
}

/** Refused, cut-off and dropped SMTP attempts, newest first. */
export async function listRejected(ctx: AppContext, limit: number, before?: number): Promise<{ attempts: RejectedAttempt[]; total: number; dropped: number }> {
  return faultsOf(ctx).rejected.list(limit, before);
}

export async function clearRejected(ctx: AppContext): Promise<void> {
  faultsOf(ctx).rejected.clear();
}
