import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostnameOf, isHostAllowed, isOriginAllowed } from '../../server/http/security.js';
import { contentDisposition, safeContentType, sanitizeFilename } from '../../server/http/download.js';
import { countRemoteResources, neutraliseHtml, previewDocument } from '../../server/mail/html.js';

test('hostnameOf strips ports and IPv6 brackets', () => {
  assert.equal(hostnameOf('LocalHost:8025'), 'localhost');
  assert.equal(hostnameOf('[::1]:8025'), '::1');
  assert.equal(hostnameOf('example.test'), 'example.test');
});

const hosts: Array<[string | undefined, string[], boolean]> = [
  ['localhost:8025', [], true],
  ['127.0.0.1:8025', [], true],
  ['[::1]:8025', [], true],
  ['192.168.1.20:8025', [], true],
  ['app.localhost', [], true],
  ['mailroom:8025', [], true],
  ['evil.example', [], false],
  ['localhost.evil.example', [], false],
  ['127.0.0.1.nip.io', [], false],
  ['mail.dev.example', ['mail.dev.example'], true],
  ['a.corp.example', ['*.corp.example'], true],
  ['corp.example', ['*.corp.example'], false],
  ['anything.example', ['*'], true],
  [undefined, [], false],
  ['', [], false],
];
for (const [host, allowed, ok] of hosts) {
  test(`Host ${JSON.stringify(host)} with ${JSON.stringify(allowed)} -> ${ok ? 'allowed' : 'refused'}`, () => {
    assert.equal(isHostAllowed(host, allowed), ok);
  });
}

test('Origin must match Host exactly (scheme-less host:port) when present', () => {
  assert.equal(isOriginAllowed(undefined, 'localhost:8025'), true);
  assert.equal(isOriginAllowed('http://localhost:8025', 'localhost:8025'), true);
  assert.equal(isOriginAllowed('http://localhost:9999', 'localhost:8025'), false);
  assert.equal(isOriginAllowed('https://evil.example', 'localhost:8025'), false);
  assert.equal(isOriginAllowed('null', 'localhost:8025'), false);
  assert.equal(isOriginAllowed('http://localhost:8025', undefined), false);
});

test('file names: path parts, control characters and quotes cannot escape', () => {
  assert.equal(sanitizeFilename('../../etc/passwd', 'x'), 'passwd');
  assert.equal(sanitizeFilename('..\\..\\win.ini', 'x'), 'win.ini');
  assert.equal(sanitizeFilename('a\r\nSet-Cookie: x.txt', 'x'), 'aSet-Cookie: x.txt');
  assert.equal(sanitizeFilename('"quoted".txt', 'x'), 'quoted.txt');
  assert.equal(sanitizeFilename('...', 'fallback'), 'fallback');
  assert.equal(sanitizeFilename(null, 'fallback'), 'fallback');
  const cd = contentDisposition('报告\r\n.pdf', 'x');
  assert.equal(cd, `attachment; filename="__.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`);
  assert.doesNotMatch(cd, /[\r\n]/);
  assert.match(contentDisposition("it's (1).txt", 'x'), /filename\*=UTF-8''it%27s%20%281%29\.txt$/);
});

test('only plain raster images keep their type', () => {
  assert.equal(safeContentType('image/png'), 'image/png');
  assert.equal(safeContentType('IMAGE/JPEG; name=x'), 'image/jpeg');
  for (const t of ['image/svg+xml', 'text/html', 'application/javascript', 'text/xml', 'application/pdf']) assert.equal(safeContentType(t), 'application/octet-stream');
});

test('remote resources are counted across img, srcset, CSS url(), @import, link and background', () => {
  const html = `<img src="https://a/1.png"><img srcset="//b/2.png 2x"><div style="background:url('http://c/3.png')"></div>
    <style>@import url(https://d/x.css);</style><link rel=stylesheet href="https://e/y.css"><td background="http://f/bg.gif">
    <img src="data:image/png;base64,xx"><img src="cid:logo"><a href="https://link.example/">a link is not a resource</a>`;
  assert.equal(countRemoteResources(html), 6);
});

test('meta refresh is neutralised in any spelling; text previews are escaped', () => {
  assert.equal(neutraliseHtml(`<META HTTP-EQUIV='REFRESH' content="0;url=x">`), `<META HTTP-EQUIV='x-blocked-refresh' content="0;url=x">`);
  assert.equal(neutraliseHtml(`<meta content="0" http-equiv = refresh>`), `<meta content="0" http-equiv = x-blocked-refresh>`);
  assert.match(countRemoteResources(`<style>@import "https://x/y.css";</style>`).toString(), /^1$/);
  assert.match(previewDocument(null, '<b>&</b>'), /&lt;b&gt;&amp;&lt;\/b&gt;/);
});
