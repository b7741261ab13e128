// Walks every read route of one message and checks each answers 200 with well-formed bodies.

import assert from 'node:assert/strict';
import type { MessageDetail } from '../../server/mail/types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** GET a route, assert 200, return the bytes. */
async function get200(url: string): Promise<{ bytes: Buffer; headers: Headers }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, `${url} -> ${res.status} ${bytes.subarray(0, 200).toString()}`);
  return { bytes, headers: res.headers };
}

/**
 * detail, raw, headers, text, html and every part: all 200; JSON and text bodies are valid UTF-8
 * (invalid input bytes must have become U+FFFD, never reach a client raw); raw equals `expectedRaw`.
 */
export async function assertEveryRouteServes(base: string, id: string, expectedRaw?: Buffer): Promise<MessageDetail> {
  const root = `${base}/api/messages/${id}`;
  const d = await get200(root);
  const detail = JSON.parse(utf8.decode(d.bytes)) as MessageDetail;
  assert.ok('parseError' in detail, 'detail says whether parsing failed');
  const r = await get200(`${root}/raw`);
  if (expectedRaw) assert.ok(r.bytes.equals(expectedRaw), 'raw bytes identical');
  JSON.parse(utf8.decode((await get200(`${root}/headers`)).bytes));
  utf8.decode((await get200(`${root}/text`)).bytes);
  const html = await get200(`${root}/html`);
  utf8.decode(html.bytes);
  assert.match(html.headers.get('content-security-policy') ?? '', /sandbox/);
  for (const part of detail.parts) {
    const p = await get200(`${root}/parts/${part.id}`);
    assert.equal(p.bytes.length, part.size, `part ${part.id} size`);
    assert.match(p.headers.get('content-disposition') ?? '', /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/);
  }
  return detail;
}
