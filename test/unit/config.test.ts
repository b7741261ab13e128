import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, defaultConfig, resolveConfig, OPTIONS, OPTION_GROUPS } from '../../server/config.js';
import { configurationMarkdown, helpText } from '../../server/config-docs.js';
import { parseBytes, parseDuration } from '../../server/config-values.js';
import { parseWaitTimeout } from '../../server/http/routes/wait.js';

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

test('--help groups every option by topic, with its env var and default', () => {
  const help = helpText();
  for (const title of Object.values(OPTION_GROUPS)) assert.match(help, new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:$`, 'm'));
  for (const o of OPTIONS) {
    const line = help.split('\n').find((l) => l.startsWith(`  --${o.flag} `));
    assert.ok(line, `--${o.flag} in --help`);
    assert.ok(line.includes(`(${o.env}, default: ${o.default === '' ? 'none' : o.default})`), line);
    // under its own group's heading
    const above = help.slice(0, help.indexOf(line)).split('\n').filter((l) => /^\S.*:$/.test(l)).at(-1);
    assert.equal(above, `${OPTION_GROUPS[o.group]}:`, `--${o.flag} is under ${OPTION_GROUPS[o.group]}`);
  }
});

test('docs/configuration.md is the generated one, and names every flag, variable and default (npm run docs:config)', () => {
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(docs, configurationMarkdown(), 'docs/configuration.md is stale: run npm run docs:config');
  for (const o of OPTIONS) {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`--${o.flag}\` |`));
    assert.ok(row, `--${o.flag} in docs/configuration.md`);
    assert.ok(row.includes(`| \`${o.env}\` |`) && row.includes(o.default === '' ? '| — |' : `\`${o.default}\``), row);
  }
});

test('every size and time option takes units, the same as a flag and as an environment variable', () => {
  const sizes = OPTIONS.filter((o) => /^\d+(KiB|MiB|GiB|KB|MB|GB|B)?$/.test(o.default) && /iB|B$/.test(o.default));
  const times = OPTIONS.filter((o) => /^\d+(ms|s|m|h)$/.test(o.default));
  assert.ok(sizes.length >= 4 && times.length >= 7, `found ${sizes.length} sizes, ${times.length} times`);
  const check = (o: (typeof OPTIONS)[number], raw: string, expected: number) => {
    const fromFlag = resolveConfig([`--${o.flag}`, raw], {})[o.key];
    const fromEnv = resolveConfig([], { [o.env]: raw })[o.key];
    assert.equal(fromFlag, expected, `--${o.flag} ${raw}`);
    assert.equal(fromEnv, expected, `${o.env}=${raw}`);
  };
  for (const o of sizes) {
    check(o, '10MB', 10_000_000);
    check(o, '2KiB', 2048);
    check(o, '1.5GiB', 1.5 * 1024 ** 3);
    assert.equal(resolveConfig([], {})[o.key], parseBytes(o.default), `${o.flag} default`);
  }
  for (const o of times) {
    check(o, '90s', 90_000);
    check(o, '500ms', 500);
    check(o, '2m', 120_000);
    check(o, '1h', 3_600_000);
    check(o, '1.5s', 1500);
    assert.equal(resolveConfig([], {})[o.key], parseDuration(o.default), `${o.flag} default`);
    assert.throws(() => resolveConfig([`--${o.flag}`, '10 minutes'], {}), new RegExp(`--${o.flag}.*expected a duration`));
  }
});

test("the HTTP API's wait timeout reads durations with the same parser (a bare number is milliseconds there)", () => {
  for (const [raw, ms] of [['1500', 1500], ['1500ms', 1500], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], ['0', 0]] as const) {
    assert.equal(parseWaitTimeout(raw), ms, raw);
    if (/[a-z]/.test(raw)) assert.equal(parseWaitTimeout(raw), parseDuration(raw), raw);
  }
  assert.throws(() => parseWaitTimeout('soon'), (err: Error & { statusCode?: number }) => err.statusCode === 400 && /timeout "soon" is not a duration/.test(err.message));
});

test('settings group every option under exactly one topic, with its resolved value', async () => {
  const { settingsOf } = await import('../../server/config-settings.js');
  const config = resolveConfig(['--max-message-size', '2MiB', '--data-dir', '/tmp/x', '--relay-host', 'smtp.example.test'], {});
  const settings = settingsOf(config);
  assert.equal(settings.smtp.maxMessageSize, 2 * 1024 * 1024);
  assert.equal(settings.storage.dataDir, '/tmp/x');
  assert.equal(settings.relay.relayHost, 'smtp.example.test');
  const seen = Object.entries(settings).flatMap(([group, values]) => Object.keys(values as object).map((key) => `${group}.${key}`));
  assert.deepEqual(seen.sort(), OPTIONS.map((o) => `${o.group}.${o.key}`).sort());
});

test('a configuration from code is validated once at start like one from flags', async () => {
  const { start } = await import('../../server/start.js');
  await assert.rejects(start({ smtpTlsCert: '/nonexistent/cert.pem', logLevel: 'silent' }), (err: unknown) => err instanceof ConfigError && /--smtp-tls-cert and --smtp-tls-key must be given together/.test(err.message));
  await assert.rejects(start({ smtpAuth: 'u:p', smtpStarttls: 'off', logLevel: 'silent' }), (err: unknown) => err instanceof ConfigError && /required SMTP AUTH needs STARTTLS/.test(err.message));
  assert.throws(() => resolveConfig(['--smtp-auth', 'u:p', '--smtp-starttls', 'off'], {}), /required SMTP AUTH needs STARTTLS/);
});
