// The web UI's pure text helpers: link finding, HTML highlighting, sizes and times.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeHref, linkify } from '../../web/src/lib/links.js';
import { highlightHtml } from '../../web/src/lib/highlight.js';
import { formatSize, relativeTime, tagQuery } from '../../web/src/lib/format.js';

describe('web: linkify', () => {
  const cases: Array<[string, Array<{ text: string; href?: string }>]> = [
    ['no links here', [{ text: 'no links here' }]],
    ['see https://a.test/x.', [{ text: 'see ' }, { text: 'https://a.test/x', href: 'https://a.test/x' }, { text: '.' }]],
    ['(http://a.test/p?q=1&r=2)', [{ text: '(' }, { text: 'http://a.test/p?q=1&r=2', href: 'http://a.test/p?q=1&r=2' }, { text: ')' }]],
    ['mail mailto:x@a.test now', [{ text: 'mail ' }, { text: 'mailto:x@a.test', href: 'mailto:x@a.test' }, { text: ' now' }]],
    ['javascript:alert(1) stays text', [{ text: 'javascript:alert(1) stays text' }]],
    ['<https://a.test/"onmouseover=x>', [{ text: '<' }, { text: 'https://a.test/', href: 'https://a.test/' }, { text: '"onmouseover=x>' }]],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(linkify(input), want));
  }
  it('joins back to the input', () => {
    const text = 'a https://x.test/1, b http://y.test/2; c mailto:z@z.test!';
    assert.equal(linkify(text).map((s) => s.text).join(''), text);
  });
  it('only http(s) and mailto are safe to click', () => {
    for (const h of ['https://a.test', 'HTTP://A.TEST', 'mailto:a@b.test', ' https://a.test']) assert.equal(isSafeHref(h), true, h);
    for (const h of ['javascript:alert(1)', 'JaVaScRiPt:x', 'data:text/html,x', 'vbscript:x', '//evil.test', 'relative']) assert.equal(isSafeHref(h), false, h);
  });
});

describe('web: highlightHtml', () => {
  it('classifies tags, attributes, values, comments and text', () => {
    const kinds = highlightHtml('<!doctype html><!-- c --><a href="x" class=y>t</a>').map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(kinds, ['doctype:<!doctype html>', 'comment:<!-- c -->', 'tag:<a', 'text: ', 'attr:href', 'punct:=', 'value:"x"', 'text: ', 'attr:class', 'punct:=', 'value:y', 'tag:>', 'text:t', 'tag:</a', 'tag:>']);
  });
  it('always gives the input back, even for broken markup', () => {
    for (const src of ['<a', 'a < b > c', '<!-- open', '<p title="unclosed>x', '<<<>>>', '<script>alert(1)</script>', '']) {
      assert.equal(highlightHtml(src).map((t) => t.text).join(''), src);
    }
  });
});

describe('web: format', () => {
  it('sizes', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(1023), '1023 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(25 * 1024 * 1024), '25 MB');
  });
  it('relative times', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    assert.equal(relativeTime('2026-06-01T11:59:30Z', now), 'just now');
    assert.equal(relativeTime('2026-06-01T11:55:00Z', now), '5 min ago');
    assert.equal(relativeTime('2026-06-01T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('not a date', now), '');
  });
  it('tag queries quote when needed', () => {
    assert.equal(tagQuery('signup'), 'tag:signup');
    assert.equal(tagQuery('two words'), 'tag:"two words"');
    assert.equal(tagQuery('say "hi"'), 'tag:"say \\"hi\\""');
  });
});
