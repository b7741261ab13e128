// The resolved configuration grouped by topic (smtp, web, storage, security, relay, faults,
// output), as the option table groups it for --help and docs/configuration.md. start() validates
// a Config once and hands each part the typed values of its topic; nothing below start() parses
// a flag or reads the environment.

import { OPTIONS, validateConfig, type Config, type OptionGroup } from './config.js';

type Spec = (typeof OPTIONS)[number];
type KeysOf<G extends OptionGroup> = Extract<Spec, { group: G }>['key'];

/** Every option's value under its topic, e.g. settings.smtp.maxMessageSize, settings.storage.dataDir. */
export type Settings = { readonly [G in OptionGroup]: { readonly [K in KeysOf<G>]: Config[K] } };

/** Validates `config` (validateConfig) and groups its values by topic. */
export function settingsOf(config: Config): Settings {
  validateConfig(config);
  const groups: Record<string, Record<string, unknown>> = {};
  for (const spec of OPTIONS) (groups[spec.group] ??= {})[spec.key] = config[spec.key];
  return groups as unknown as Settings;
}
