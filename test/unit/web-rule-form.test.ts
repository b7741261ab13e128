// The rule editor's form model against the server's own validator: every rule shape survives
// rule -> form -> rule unchanged, a fresh form is a valid rule, and bad numbers reach the server
// (which names the field) instead of being silently dropped.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyForm, formFromRule, ruleFromForm, describeAction, describeMatch, describeWhen } from '../../web/src/lib/rule-form.js';
import { sinceStart } from '../../web/src/lib/format.js';
import { validateRule } from '../../server/faults/validate.js';
import { RuleError, type FaultRule, type FaultRuleInput } from '../../server/faults/rules.js';

const asRule = (input: FaultRuleInput): FaultRule => ({ id: 'r1', ...validateRule(input), stats: { matched: 0, fired: 0, lastFiredAt: null } });

const RULES: FaultRuleInput[] = [
  { stage: 'rcpt', match: { to: '*@slow.test' }, when: { mode: 'first', n: 1 }, action: { type: 'tempfail', code: 451, enhanced: '4.7.1', text: 'greylisted' } },
  { name: 'bounce', stage: 'data', match: { header: { name: 'X-Test-Case', value: 'bounce-*' }, subject: '/^Welcome/i', inbox: 'team' }, action: { type: 'reject', code: 554 } },
  { stage: 'mail', enabled: false, when: { mode: 'rate', limit: 10, windowMs: 60_000 }, action: { type: 'tempfail', code: 421, delayMs: 200 } },
  { stage: 'connect', match: { client: '127.0.0.*' }, when: { mode: 'probability', probability: 0.25, seed: 7 }, action: { type: 'disconnect', delayMs: 50 } },
  { stage: 'ehlo', match: { helo: 'bad*' }, when: { mode: 'every', n: 3 }, action: { type: 'drop' } },
  { stage: 'auth', match: { authUser: 'bob' }, action: { type: 'delay', delayMs: 3000 } },
  { stage: 'mail', match: { from: '*@app.test' }, action: { type: 'slow', bytesPerSecond: 2048, maxBytesPerSecond: 8192 } },
];

describe('web: rule form', () => {
  for (const input of RULES) {
    it(`round-trips ${input.stage} ${input.action.type}`, () => {
      const rule = asRule(input);
      const back = validateRule(ruleFromForm(formFromRule(rule)));
      const { id: _id, stats: _stats, ...want } = rule;
      assert.deepEqual(back, want);
    });
  }

  it('a fresh form is a valid rule: reject 550 at rcpt, always', () => {
    const r = validateRule(ruleFromForm(emptyForm()));
    assert.deepEqual([r.stage, r.when, r.action], ['rcpt', { mode: 'always' }, { type: 'reject', code: 550 }]);
  });

  it('empty fields are left out; non-numbers go to the server, which names the field', () => {
    const f = emptyForm();
    f.actionType = 'delay';
    f.delayMs = 'soon';
    assert.throws(() => validateRule(ruleFromForm(f)), (err: unknown) => err instanceof RuleError && /action\.delayMs/.test(err.message));
    const g = emptyForm();
    g.match.to = '  ';
    assert.deepEqual(ruleFromForm(g).match, {});
  });

  it('summaries for the list', () => {
    assert.equal(describeMatch({ to: '*@x.test', header: { name: 'X-A', value: 'b*' } }), 'to=*@x.test, header X-A=b*');
    assert.equal(describeMatch({}), 'anything');
    assert.equal(describeWhen({ mode: 'rate', limit: 10, windowMs: 1000 }), 'above 10 per 1 s');
    assert.deepEqual([1, 2, 3, 4, 11, 12, 22].map((n) => describeWhen({ mode: 'every', n })), ['every time', 'every 2nd', 'every 3rd', 'every 4th', 'every 11th', 'every 12th', 'every 22nd']);
    assert.equal(describeAction({ type: 'reject', code: 550, enhanced: '5.1.1', text: 'no' }), '550 5.1.1 no');
    assert.equal(describeAction({ type: 'disconnect', delayMs: 20 }), 'disconnect after 20 ms');
  });

  it('transcript times', () => {
    assert.deepEqual([0, 850, 2310, 12_345, 63_000].map(sinceStart), ['+0 ms', '+850 ms', '+2.31 s', '+12.3 s', '+1 min 3 s']);
  });
});
