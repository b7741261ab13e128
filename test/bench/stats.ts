// Small numeric helpers for the benchmark: percentiles and human-readable figures.

/** The p-th percentile (0..100) of the values, nearest-rank; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds to a sensible number of digits for a table cell. */
export function fmt(n: number | null | undefined, digits?: number): string {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const MB = 1024 * 1024;

/** One line of the report table. */
export interface ReportRow {
  measure: string;
  figure: string;
  target: string;
  /** Whether the target is met; null when there is none. */
  met: boolean | null;
  note: string;
}

/** Milliseconds since an arbitrary origin, sub-millisecond precision. */
export function now(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> { // for pacing load, never to synchronise
  return new Promise((r) => setTimeout(r, ms)); // see above
}
