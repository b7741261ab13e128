// The per-message receipt log: every message is either logged or counted in a summary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReceiptLog } from '../../server/smtp/receipt-log.js';

function capture() {
  const lines: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
  const push = (obj: object | string, msg?: string) => lines.push({ obj: obj as Record<string, unknown>, msg });
  return { lines, log: { info: push, error: push, warn: push, debug: push } };
}

test('logs the first messages of a burst one by one and summarises the rest', () => {
  const { lines, log } = capture();
  const receipts = createReceiptLog(log, 3);
  for (let i = 0; i < 10; i++) receipts.received({ id: `m${i}` });
  assert.deepEqual(lines.map((l) => l.obj.id), ['m0', 'm1', 'm2']);
  receipts.close();
  assert.equal(lines.length, 4);
  assert.equal(lines[3]!.obj.suppressed, 7);
  assert.match(lines[3]!.msg ?? '', /7 more messages received/);
});

test('a quiet stream logs every message and no summary', () => {
  const { lines, log } = capture();
  const receipts = createReceiptLog(log, 20);
  for (let i = 0; i < 5; i++) receipts.received({ id: `m${i}` });
  receipts.close();
  assert.equal(lines.length, 5);
  assert.ok(lines.every((l) => l.msg === 'message received'));
});
