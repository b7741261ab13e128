// The fast path against mailparser on real-world mail: every message of the SpamAssassin public
// corpus (spam and ham, years of clients and encoders) that the fast path takes must parse exactly
// as mailparser parses it, html and part contents included, with and without inlined images, and
// at ingest (no html). What it declines is mailparser's anyway, so declining is always safe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../server/mail/parse.js';
import { quickParse } from '../../server/mail/quick-view.js';
import { loadSpamAssassin } from '../helpers/corpus.js';

test('every SpamAssassin corpus message the fast path takes parses exactly as mailparser parses it', async () => {
  const corpus = loadSpamAssassin();
  assert.ok(corpus.length > 1000, `the corpus has ${corpus.length} messages`);
  let taken = 0;
  for (const { name, data } of corpus) {
    // At ingest the html leaf is not decoded, so a message whose html is in another charset is
    // taken there and declined with html.
    const atIngest = quickParse(data);
    if (!atIngest) continue;
    taken++;
    const full = await parseMessage(data, { fastPath: false });
    assert.deepEqual(atIngest, { ...full, html: null }, `${name} at ingest`);
    const withHtml = quickParse(data, { html: true });
    if (withHtml) assert.deepEqual(withHtml, full, `${name} with html`);
    const inlined = quickParse(data, { html: true, inlineImages: true });
    if (inlined) assert.deepEqual(inlined, await parseMessage(data, { inlineImages: true, fastPath: false }), `${name} with inlined images`);
  }
  // Old spam and mailing-list mail is mostly other charsets, QP oddities and multipart/related:
  // the fast path takes a minority here, and the test would prove nothing if it took none.
  assert.ok(taken >= 1000, `the fast path took ${taken} of ${corpus.length} corpus messages`);
});
