import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, defaultConfig, helpText, markdownTable, resolveConfig, OPTIONS } from '../../server/config.js';

test('defaults bind to loopback on the Mailpit/MailHog ports', () => {
  const c = defaultConfig();
  assert.deepEqual(c.smtp, { host: '127.0.0.1', port: 1025 });
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8025 });
  assert.equal(c.maxMessageSize, 25 * 1024 * 1024);
  assert.equal(c.maxRecipients, 1000);
  assert.equal(c.maxMessages, 10_000);
  assert.equal(c.maxStoreBytes, 512 * 1024 * 1024);
  assert.equal(c.smtps, null);
});

test('precedence is defaults < env < flags', () => {
  const env = { MAILROOM_SMTP: '0.0.0.0:2525', MAILROOM_MAX_MESSAGES: '5' };
  assert.deepEqual(resolveConfig([], env).smtp, { host: '0.0.0.0', port: 2525 });
  const c = resolveConfig(['--smtp', '127.0.0.1:3535', '--max-messages=7'], env);
  assert.deepEqual(c.smtp, { host: '127.0.0.1', port: 3535 });
  assert.equal(c.maxMessages, 7);
});

const table: Array<[string[], Record<string, string>, RegExp]> = [
  [['--smtp', 'nonsense'], {}, /"nonsense" for --smtp: .*host:port/],
  [['--listen', '127.0.0.1:70000'], {}, /--listen.*port must be/],
  [['--max-message-size', '12 parsecs'], {}, /--max-message-size/],
  [['--smtp-idle-timeout', 'soon'], {}, /--smtp-idle-timeout.*duration/],
  [['--max-recipients', '0'], {}, /--max-recipients.*at least 1/],
  [['--log-level', 'loud'], {}, /--log-level.*one of/],
  [['--bogus', '1'], {}, /unknown option --bogus/],
  [['--smtp'], {}, /--smtp needs a value/],
  [['stray'], {}, /unexpected argument/],
  [[], { MAILROOM_MAX_MESSAGES: 'many' }, /MAILROOM_MAX_MESSAGES/],
  [['--smtp-tls-cert', 'a.pem'], {}, /together/],
];
for (const [argv, env, message] of table) {
  test(`rejects ${JSON.stringify(argv)} ${JSON.stringify(env)} naming the option`, () => {
    assert.throws(() => resolveConfig(argv, env), (err: Error) => err instanceof ConfigError && message.test(err.message));
  });
}

test('units for sizes and durations', () => {
  const c = resolveConfig(['--max-message-size', '10MB', '--max-store-bytes', '1GiB', '--smtp-session-timeout', '90s', '--smtp-idle-timeout', '500ms'], {});
  assert.equal(c.maxMessageSize, 10_000_000);
  assert.equal(c.maxStoreBytes, 1024 ** 3);
  assert.equal(c.smtpSessionTimeout, 90_000);
  assert.equal(c.smtpIdleTimeout, 500);
  assert.deepEqual(resolveConfig(['--listen', '[::1]:8025'], {}).listen, { host: '::1', port: 8025 });
});

test('--help lists every option with its env var', () => {
  const help = helpText();
  for (const o of OPTIONS) {
    assert.ok(help.includes(`--${o.flag}`));
    assert.ok(help.includes(o.env));
  }
});

test('the README option table is the generated one', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(markdownTable()), 'README.md config table is stale: regenerate it from markdownTable()');
});
