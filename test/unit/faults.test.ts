// Pure failure-injection logic: rule validation, patterns, when-it-fires, compact flags, magic
// addresses, Mailpit chaos / MailHog Jim mapping, raw header handling, the delivery queue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFaultController } from '../../server/faults/controller.js';
import { parseCompactRules } from '../../server/faults/load.js';
import { magicTreatment } from '../../server/faults/magic.js';
import { createPeerModes } from '../../server/faults/peer-modes.js';
import { createRejectedLog } from '../../server/faults/rejected-log.js';
import { compilePattern, RuleError, type HookFacts, type FaultRuleInput } from '../../server/faults/rules.js';
import { validateRule } from '../../server/faults/validate.js';
import { rawHeaderValues, removeHeader } from '../../server/mail/raw-headers.js';
import { createDeliveryQueue } from '../../server/outbound/delivery-queue.js';

const facts = (over: Partial<HookFacts> = {}): HookFacts => ({ stage: 'rcpt', client: '127.0.0.1', helo: 'h', authUser: null, from: 'a@x.test', to: ['b@y.test'], ...over });

function fires(input: FaultRuleInput, n: number, opts: { seed?: number; now?: () => number; f?: Partial<HookFacts> } = {}): boolean[] {
  const c = createFaultController({ magicAddresses: true, seed: opts.seed ?? 1, now: opts.now }, [input]);
  return Array.from({ length: n }, () => c.evaluate(facts({ stage: input.stage, ...opts.f })) !== null);
}

test('patterns: globs are anchored and case-insensitive, /regex/ is a regex', () => {
  assert.equal(compilePattern('*@example.test')('Bob@EXAMPLE.test'), true);
  assert.equal(compilePattern('*@example.test')('bob@example.test.evil'), false);
  assert.equal(compilePattern('b?b@x')('bob@x'), true);
  assert.equal(compilePattern('/^a+\\d$/')('aaa1'), true);
  assert.equal(compilePattern('a.b')('axb'), false, 'dots are literal in globs');
  assert.throws(() => compilePattern('/(/'), RuleError);
});

test('validation names the bad field and refuses matchers the stage cannot know', () => {
  assert.throws(() => validateRule({ stage: 'rcpt', action: { type: 'reject', code: 451 } }), /action.code must be/);
  assert.throws(() => validateRule({ stage: 'rcpt', action: { type: 'tempfail', code: 550 } }), /action.code must be/);
  assert.throws(() => validateRule({ stage: 'mail', match: { subject: 'x' }, action: { type: 'drop' } }), /only known at stage data/);
  assert.throws(() => validateRule({ stage: 'connect', match: { from: 'x' }, action: { type: 'disconnect' } }), /not known yet/);
  assert.throws(() => validateRule({ stage: 'data', action: { type: 'reject', code: 550, enhanced: '4.1.1' } }), /enhanced/);
  assert.throws(() => validateRule({ stage: 'data', action: { type: 'delay', delayMs: 10_000_000 } }), /delayMs/);
  assert.throws(() => validateRule({ stage: 'data', when: { mode: 'probability', probability: 2 }, action: { type: 'drop' } }), /probability/);
  assert.throws(() => validateRule({ stage: 'nope' as 'data', action: { type: 'drop' } }), /stage must be/);
  const ok = validateRule({ stage: 'rcpt', action: { type: 'tempfail' } as never });
  assert.deepEqual(ok.action, { type: 'tempfail', code: 451 });
  assert.deepEqual(ok.when, { mode: 'always' });
});

test('every Nth, first N and rate fire on exactly the expected events', () => {
  assert.deepEqual(fires({ stage: 'rcpt', when: { mode: 'every', n: 3 }, action: { type: 'drop' } }, 7), [false, false, true, false, false, true, false]);
  assert.deepEqual(fires({ stage: 'rcpt', when: { mode: 'first', n: 2 }, action: { type: 'drop' } }, 4), [true, true, false, false]);
  let t = 0;
  const now = () => t;
  const c = createFaultController({ magicAddresses: true, now }, [{ stage: 'mail', when: { mode: 'rate', limit: 2, windowMs: 1000 }, action: { type: 'tempfail', code: 421 } }]);
  const at = (ms: number) => ((t = ms), c.evaluate(facts({ stage: 'mail' })) !== null);
  assert.deepEqual([at(0), at(100), at(200), at(300)], [false, false, true, true], 'more than 2 within 1 s');
  assert.equal(at(1250), false, 'the window slid: only 300 ms and 1250 ms remain');
  assert.equal(at(1260), true);
  assert.equal(c.list()[0]!.stats.matched, 6);
  assert.equal(c.list()[0]!.stats.fired, 3);
});

test('probability is deterministic for a seed and roughly right', () => {
  const rule: FaultRuleInput = { stage: 'rcpt', when: { mode: 'probability', probability: 0.3 }, action: { type: 'drop' } };
  const a = fires(rule, 1000, { seed: 42 });
  assert.deepEqual(fires(rule, 1000, { seed: 42 }), a, 'same seed, same decisions');
  assert.notDeepEqual(fires(rule, 1000, { seed: 43 }), a);
  const hits = a.filter(Boolean).length;
  assert.ok(hits > 230 && hits < 370, `~300 of 1000 fired: ${hits}`);
  const own = { ...rule, when: { mode: 'probability' as const, probability: 0.5, seed: 7 } };
  assert.deepEqual(fires(own, 50, { seed: 1 }), fires(own, 50, { seed: 999 }), 'a rule seed beats the server seed');
});

test('matchers: sender, recipient, client, header and subject at data', () => {
  const c = createFaultController({ magicAddresses: true }, [
    { id: 'h', stage: 'data', match: { header: { name: 'X-Test', value: 'fail*' } }, action: { type: 'reject', code: 554 } },
    { id: 's', stage: 'data', match: { subject: '/invoice/i', to: '*@corp.test' }, action: { type: 'tempfail', code: 452 } },
  ]);
  const data = (over: Partial<HookFacts>) => c.evaluate(facts({ stage: 'data', dataPhase: 'end', header: () => [], subject: '', ...over }))?.rule.id ?? null;
  assert.equal(data({ header: (n) => (n === 'X-Test' ? ['failing now'] : []) }), 'h');
  assert.equal(data({ subject: 'Your INVOICE', to: ['x@corp.test'] }), 's');
  assert.equal(data({ subject: 'Your INVOICE', to: ['x@other.test'] }), null);
  assert.equal(c.evaluate(facts({ stage: 'data', dataPhase: 'start', subject: 'invoice', to: ['x@corp.test'] })), null, 'only slow rules act before the data is read');
});

test('controller: add, conflict, replace keeps counts, patch, remove, clear, positions', () => {
  const c = createFaultController({ magicAddresses: true });
  const r = c.add({ stage: 'rcpt', action: { type: 'reject', code: 550 } });
  assert.equal(r.id, 'rule-1');
  assert.throws(() => c.add({ id: 'rule-1', stage: 'rcpt', action: { type: 'drop' } }), /already exists/);
  c.evaluate(facts());
  const replaced = c.replace('rule-1', { stage: 'rcpt', action: { type: 'tempfail', code: 451 } });
  assert.equal(replaced.stats.fired, 1);
  assert.equal(c.patch('rule-1', { enabled: false }).enabled, false);
  assert.equal(c.active('rcpt'), false);
  assert.equal(c.evaluate(facts()), null);
  c.add({ id: 'first', stage: 'rcpt', action: { type: 'drop' } }, 0);
  assert.deepEqual(c.list().map((x) => x.id), ['first', 'rule-1']);
  assert.equal(c.remove('first'), true);
  assert.equal(c.remove('first'), false);
  assert.equal(c.clear(), 1);
});

test('compact --faults syntax', () => {
  const rules = parseCompactRules('rcpt:451:p=50%, data:552-5.3.4:every=3, connect:disconnect:first=1, data:delay=2s, mail:550:rate=5/1m, mail:slow=1024');
  assert.deepEqual(rules.map((r) => [r.stage, r.action, r.when]), [
    ['rcpt', { type: 'tempfail', code: 451 }, { mode: 'probability', probability: 0.5 }],
    ['data', { type: 'reject', code: 552, enhanced: '5.3.4' }, { mode: 'every', n: 3 }],
    ['connect', { type: 'disconnect' }, { mode: 'first', n: 1 }],
    ['data', { type: 'delay', delayMs: 2000 }, undefined],
    ['mail', { type: 'reject', code: 550 }, { mode: 'rate', limit: 5, windowMs: 60_000 }],
    ['mail', { type: 'slow', bytesPerSecond: 1024 }, undefined],
  ]);
  assert.throws(() => parseCompactRules('rcpt:250'), /4xx or 5xx/);
  assert.throws(() => parseCompactRules('bogus:451'), /stage must be/);
  assert.throws(() => parseCompactRules('rcpt:451:sometimes'), /not always/);
});

test('magic addresses', () => {
  assert.deepEqual(magicTreatment('reject-550@x.test')?.action, { type: 'reject', code: 550, text: 'Magic address reject-550 says so' });
  assert.equal(magicTreatment('Reject-554-5.7.1+signup@x.test')?.action.type, 'reject');
  assert.equal((magicTreatment('reject-554-5.7.1@x')?.action as { enhanced?: string }).enhanced, '5.7.1');
  assert.equal(magicTreatment('tempfail-451-data@x')?.atData, true);
  assert.deepEqual(magicTreatment('delay-250ms@x')?.action, { type: 'delay', delayMs: 250 });
  assert.deepEqual(magicTreatment('delay-3s-data@x'), { action: { type: 'delay', delayMs: 3000 }, atData: true, label: 'delay-3s-data' });
  assert.equal(magicTreatment('disconnect@x')?.action.type, 'disconnect');
  assert.deepEqual(magicTreatment('drop@x')?.atData, true);
  assert.deepEqual(magicTreatment('slow-2048@x')?.action, { type: 'slow', bytesPerSecond: 2048 });
  for (const plain of ['reject-450@x', 'tempfail-550@x', 'rejected@x', 'dropbox@x', 'delay-999999s@x', 'alice@x', 'drop', 'reject-550-4.1.1@x']) {
    assert.equal(magicTreatment(plain), null, plain);
  }
});

test('Mailpit chaos and MailHog Jim map onto rules', () => {
  const c = createFaultController({ magicAddresses: true, seed: 3 });
  const m = createPeerModes(c);
  assert.deepEqual(m.getChaos(), { Sender: { ErrorCode: 451, Probability: 0 }, Recipient: { ErrorCode: 451, Probability: 0 }, Authentication: { ErrorCode: 535, Probability: 0 } });
  const set = m.setChaos({ Recipient: { ErrorCode: 550, Probability: 100 } });
  assert.deepEqual(set.Recipient, { ErrorCode: 550, Probability: 100 });
  assert.equal(c.evaluate(facts())?.rule.id, 'mailpit-chaos-recipient');
  assert.equal(c.evaluate(facts({ stage: 'mail' })), null, 'Sender at 0 % never fires');
  assert.throws(() => m.setChaos({ Sender: { ErrorCode: 200 } }), /ErrorCode/);
  m.setChaos({});
  assert.equal(c.evaluate(facts()), null);
  assert.equal(m.getJim(), null);
  const jim = m.enableJim({ RejectRecipientChance: 1, DisconnectChance: 0, AcceptChance: 1, LinkSpeedAffect: 0 });
  assert.equal(jim.RejectSenderChance, 0.05);
  const v = c.evaluate(facts());
  assert.deepEqual([v?.rule.id, v?.action], ['jim-reject-recipient', { type: 'reject', code: 550, text: 'Invalid recipient <{to}>' }]);
  assert.equal(m.disableJim(), true);
  assert.equal(m.disableJim(), false);
  assert.equal(c.list().filter((r) => r.id.startsWith('jim-')).length, 0);
  assert.throws(() => m.enableJim({ AcceptChance: 2 }), /AcceptChance/);
});

test('rejected log is bounded and pages newest first', () => {
  const log = createRejectedLog(3);
  for (let i = 0; i < 5; i++) log.add({ sessionId: 's', client: 'c', stage: 'rcpt', command: `RCPT TO:<r${i}>`, envelope: { mailFrom: null, rcptTo: [`r${i}`] }, rule: null, outcome: 'reject', reply: '550' });
  const page = log.list(10);
  assert.deepEqual(page.attempts.map((a) => a.seq), [5, 4, 3]);
  assert.equal(page.dropped, 2);
  assert.deepEqual(log.list(10, 5).attempts.map((a) => a.seq), [4, 3]);
});

test('removeHeader drops every Bcc field with its folded lines and keeps all other bytes', () => {
  const raw = Buffer.from('From: a@x\r\nBcc: hidden@x,\r\n  other@x\r\nSubject: caf\xe9\r\nbcc: again@x\r\n\r\nBody\r\nBcc: not-a-header\r\n', 'latin1');
  const out = removeHeader(raw, 'bcc');
  assert.equal(out.toString('latin1'), 'From: a@x\r\nSubject: caf\xe9\r\n\r\nBody\r\nBcc: not-a-header\r\n');
  const plain = Buffer.from('From: a@x\r\n\r\nhi');
  assert.equal(removeHeader(plain, 'bcc'), plain, 'untouched when absent');
  assert.deepEqual(rawHeaderValues(raw, 'BCC'), ['hidden@x,  other@x', 'again@x']);
});

test('delivery queue: retries with backoff, permanent failures, bounded with drops counted', async () => {
  const seen: string[] = [];
  const q = createDeliveryQueue<string>({
    capacity: 2,
    retries: 2,
    baseDelayMs: 5,
    concurrency: 1,
    async attempt(item, n) {
      seen.push(`${item}#${n}`);
      if (item === 'flaky') return n < 3 ? { ok: false, error: 'busy', retry: true } : { ok: true };
      return { ok: false, error: 'no', retry: false };
    },
  });
  assert.equal(q.push('flaky'), true);
  assert.equal(q.push('bad'), true);
  assert.equal(q.push('third'), false, 'full: dropped');
  await q.idle();
  assert.deepEqual(seen.sort(), ['bad#1', 'flaky#1', 'flaky#2', 'flaky#3']);
  assert.deepEqual({ ...q.stats(), capacity: 0 }, { queued: 0, inFlight: 0, waitingRetry: 0, delivered: 1, failed: 1, retried: 2, dropped: 1, capacity: 0 });
  q.close();
});
