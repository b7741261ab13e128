// Pure parsers for config values; each throws an Error whose message says what was expected.

/** A listen address. */
export interface HostPort {
  host: string;
  port: number;
}

/** "host:port", "[::1]:port" or ":port" (host defaults to 127.0.0.1). Port 0 picks a free port. */
export function parseAddress(raw: string): HostPort {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/.exec(raw.trim());
  if (!m) throw new Error('expected host:port, e.g. 127.0.0.1:1025');
  const port = Number(m[3]);
  if (port > 65535) throw new Error('port must be 0-65535');
  const host = m[1] ?? (m[2] || '127.0.0.1');
  return { host, port };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** A byte count: "1048576", "25MiB", "10MB", "512k". */
export function parseBytes(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error('expected a size such as 25MiB, 10MB, 512KiB or a number of bytes');
  const n = Math.floor(Number(m[1]) * unit);
  if (n < 1) throw new Error('must be at least 1 byte');
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: "500ms", "60s", "1.5s", "15m", "1h", or a bare number in `bare` units
 * (seconds for options, milliseconds for the HTTP API's timeouts, where 0 is allowed). The one duration parser: flags,
 * their environment variables, the CLI's commands and the API's time parameters all use it.
 */
export function parseDuration(raw: string, bare: 'ms' | 's' = 's', min = 1): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new Error('expected a duration such as 500ms, 60s, 15m or 1h');
  const ms = Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? bare]!);
  if (ms < min) throw new Error(min === 1 ? 'must be positive' : `must be at least ${min} ms`);
  return ms;
}

/** A positive integer. */
export function parseInt10(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new Error('expected a whole number');
  const n = Number(raw);
  if (n < 1 || !Number.isSafeInteger(n)) throw new Error('must be at least 1');
  return n;
}

/** A comma-separated list; empty entries are dropped. */
export function parseList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** true/false, yes/no, 1/0, on/off. */
export function parseBool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error('expected true or false');
}

/** A whole number, zero allowed. */
export function parseCount(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new Error('expected a whole number (0 or more)');
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error('too large');
  return n;
}

/** An http(s) URL list, comma-separated; each must parse. */
export function parseUrlList(raw: string): string[] {
  return parseList(raw).map((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`${JSON.stringify(u)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${JSON.stringify(u)} must be http or https`);
    return url.href;
  });
}

/** A regular expression source; empty means "none". */
export function parseRegex(raw: string): RegExp | null {
  if (raw === '') return null;
  try {
    return new RegExp(raw, 'i');
  } catch (err) {
    throw new Error(`not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
}

/** Space-separated user:password pairs, kept as given (checked for shape only). */
export function parseUserPairs(raw: string): string {
  for (const pair of raw.split(/\s+/).filter(Boolean)) {
    if (pair.indexOf(':') < 1) throw new Error('expected space-separated user:password pairs');
  }
  return raw.trim();
}
