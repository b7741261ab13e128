import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { Compressor, type Packed } from '../../server/store/compressor.js';

/** Packs one buffer. The compressor never holds the process open (its worker and timer are
 * unref'd, as a server's sockets keep it alive), so a ref'd timer does that while we wait. */
const packOne = (c: Compressor, raw: Buffer) =>
  new Promise<Packed>((resolve, reject) => {
    const keepAlive = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000); // a deadline, not a wait
    const done = (p: Packed) => {
      clearTimeout(keepAlive);
      resolve(p);
    };
    if (!c.pack(raw, done)) {
      clearTimeout(keepAlive);
      reject(new Error('refused'));
    }
  });

test('text is deflated losslessly; incompressible bytes come back as null (kept as they are)', async () => {
  const c = new Compressor();
  const text = Buffer.from('Subject: hello\r\n\r\n' + 'the same words again and again '.repeat(100));
  const noise = randomBytes(4096);
  const [a, b] = await Promise.all([packOne(c, text), packOne(c, noise)]);
  assert.ok(a && a.length < text.length / 3, 'deflated');
  assert.ok(inflateRawSync(a).equals(text));
  assert.equal(b, null);
});

test('a worker that fails hands every pending message back unpacked, and later ones are refused', async () => {
  const c = new Compressor({ source: "throw new Error('no zlib here')" });
  const results = await Promise.all([packOne(c, Buffer.from('one')), packOne(c, Buffer.from('two'))]);
  assert.deepEqual(results, [null, null]);
  assert.equal(c.pack(Buffer.from('three'), () => {}), false, 'broken: the caller keeps the bytes itself');
});

test('the backlog is bounded: beyond it, pack() declines instead of queueing', () => {
  const c = new Compressor({ maxInFlightBytes: 10 });
  assert.equal(c.pack(Buffer.alloc(8), () => {}), true);
  assert.equal(c.pack(Buffer.alloc(8), () => {}), false);
});
