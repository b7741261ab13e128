// A small, table-driven argument parser for the subcommands: each command declares its flags once
// and gets parsing, validation messages and its --help text from the same table.

import { processEnv } from '../config.js';

/** One flag of a subcommand. */
export interface FlagDef {
  /** Long name without dashes (`timeout` for --timeout). */
  name: string;
  /** Short spellings without the dash: `f` for -f, also multi-letter sendmail style `oi`. */
  short?: string[];
  /** Placeholder of the value when the flag takes one (e.g. `<duration>`); absent for switches. */
  value?: string;
  /** Environment variable read when the flag is absent. */
  env?: string;
  default?: string;
  help: string;
}

/** A subcommand: its flags, its help, and what it does. */
export interface CommandDef {
  name: string;
  summary: string;
  /** Usage line after `mailroom <name>`, e.g. `[options] <dir>`. */
  usage: string;
  /** Extra paragraphs for --help (exit codes, examples). */
  notes?: string[];
  flags: FlagDef[];
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  /** Flag values by long name: string for valued flags, true for switches present. */
  values: Record<string, string | true | undefined>;
  positionals: string[];
}

/** Bad command-line usage; the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses argv against a command's flags (env and defaults fill the gaps). */
export function parseArgs(def: CommandDef, argv: readonly string[], env: Readonly<Record<string, string | undefined>> = processEnv()): ParsedArgs {
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  const byLong = new Map(def.flags.map((f) => [f.name, f]));
  const byShort = new Map<string, FlagDef>();
  for (const f of def.flags) for (const s of f.short ?? []) byShort.set(s, f);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let flag: FlagDef | undefined;
    let inline: string | undefined;
    let shown = arg;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      flag = byLong.get(name);
      shown = `--${name}`;
      if (eq !== -1) inline = arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const body = arg.slice(1);
      flag = byShort.get(body);
      if (!flag) {
        // -fvalue: a one-letter valued flag with its value attached
        const one = byShort.get(body[0]!);
        if (one?.value) {
          flag = one;
          inline = body.slice(1);
          shown = `-${body[0]}`;
        }
      }
    } else {
      positionals.push(arg);
      continue;
    }
    if (!flag) throw new UsageError(`unknown option ${shown} (see mailroom ${def.name} --help)`);
    if (flag.value) {
      let v = inline;
      if (v === undefined) {
        v = argv[i + 1];
        if (v === undefined) throw new UsageError(`option ${shown} needs a value ${flag.value}`);
        i++;
      }
      values[flag.name] = v;
    } else {
      if (inline !== undefined) throw new UsageError(`option ${shown} takes no value`);
      values[flag.name] = true;
    }
  }
  for (const f of def.flags) {
    if (values[f.name] !== undefined) continue;
    const fromEnv = f.env ? env[f.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') values[f.name] = f.value ? fromEnv : true;
    else if (f.default !== undefined) values[f.name] = f.default;
  }
  return { values, positionals };
}

/** The --help text of a command, generated from its table. */
export function commandHelp(def: CommandDef): string {
  const lines = [`mailroom ${def.name}: ${def.summary}`, '', `Usage: mailroom ${def.name} ${def.usage}`, '', 'Options:'];
  for (const f of def.flags) {
    const names = [`--${f.name}`, ...(f.short ?? []).map((s) => `-${s}`)].join(', ');
    const extra = [f.env ? f.env : '', f.default !== undefined ? `default: ${f.default}` : ''].filter(Boolean).join(', ');
    lines.push(`  ${names}${f.value ? ' ' + f.value : ''}${extra ? `   (${extra})` : ''}`);
    lines.push(`      ${f.help}`);
  }
  lines.push('  --help, -h', '      show this text');
  for (const n of def.notes ?? []) lines.push('', n);
  return lines.join('\n');
}

/** Writes a line to stderr prefixed with the command. */
export function complain(command: string, message: string): void {
  process.stderr.write(`mailroom ${command}: ${message}\n`);
}
