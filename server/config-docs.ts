// Text generated from the option table (config.ts): `mailroom --help`, grouped by topic, and
// docs/configuration.md. A unit test fails when the committed file differs from what this makes.

import { OPTION_GROUPS, OPTIONS, type OptionSpecAny } from './config.js';
import { parseBool } from './config-values.js';

const groups = () =>
  (Object.keys(OPTION_GROUPS) as Array<keyof typeof OPTION_GROUPS>).map((g) => ({
    title: OPTION_GROUPS[g],
    options: (OPTIONS as readonly OptionSpecAny[]).filter((o) => o.group === g),
  }));

const shownDefault = (o: OptionSpecAny) => (o.default === '' ? 'none' : o.default);

/** The --help text: options by topic, each with its value, environment variable and default. */
export function helpText(): string {
  const lines = ['mailroom: a mail-capture server for developers', '', 'Usage: mailroom [options]', '', 'Sizes take B, KB/MB/GB or KiB/MiB/GiB; times ms, s, m or h. Every option is also a MAILROOM_* variable.'];
  for (const g of groups()) {
    lines.push('', `${g.title}:`);
    for (const o of g.options) {
      const value = o.parse === parseBool ? '[true|false]' : '<value>';
      lines.push(`  --${o.flag} ${value}   (${o.env}, default: ${shownDefault(o)})`);
      lines.push(`      ${o.help}`);
    }
  }
  lines.push('', '  --help      show this text', '  --version   print the version');
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** docs/configuration.md, whole. */
export function configurationMarkdown(): string {
  const out = [
    '# Configuration',
    '',
    '<!-- Generated from server/config.ts by `npm run docs:config`; a test fails when it is stale. Edit the option table, not this file. -->',
    '',
    'Every option is a flag and a `MAILROOM_*` environment variable; flags win over the environment,',
    'which wins over the defaults. `mailroom --help` prints the same list. Sizes take `B`, `KB`/`MB`/`GB`',
    '(powers of 1000) or `KiB`/`MiB`/`GiB` (powers of 1024); times take `ms`, `s`, `m` or `h`. A boolean',
    'flag alone (`--quiet`) means true. A bad value stops the server with one line naming the option.',
    '',
    'Topics: ' + groups().map((g) => `[${g.title}](#${slug(g.title)})`).join(' · '),
  ];
  for (const g of groups()) {
    out.push('', `## ${g.title}`, '', '| flag | environment variable | default | meaning |', '| --- | --- | --- | --- |');
    for (const o of g.options) out.push(`| \`--${o.flag}\` | \`${o.env}\` | ${o.default === '' ? '—' : `\`${cell(o.default)}\``} | ${cell(o.help)} |`);
  }
  return out.join('\n') + '\n';
}

/** GitHub's heading anchor. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
}
