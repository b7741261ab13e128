// Before and after in one run (bench --baseline DIR): each ingest shape runs against the baseline
// build and the current one alternately, `rounds` times each, so both see the same machine state
// (load, CPU frequency, page cache). Medians are reported side by side with the ratio.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ingestRow, type IngestRow, type IngestShape } from './ingest.js';
import type { ServerProcessOptions } from './server-process.js';

/** The start module of a built checkout (run `npm ci && npm run build` there first). */
export function baselineStart(dir: string): string {
  const path = join(resolve(dir), 'dist', 'server', 'start.js');
  if (!existsSync(path)) throw new Error(`--baseline ${dir}: no ${path}; build that checkout first (npm ci && npm run build)`);
  return pathToFileURL(path).href;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The median row of several runs of one shape (rate and CPU medians taken separately). */
function medianRow(rows: IngestRow[]): IngestRow {
  return { ...rows[0]!, rate: median(rows.map((r) => r.rate)), serverCpuMsPerMessage: median(rows.map((r) => r.serverCpuMsPerMessage)), clientCpuMsPerMessage: median(rows.map((r) => r.clientCpuMsPerMessage)), errors: rows.flatMap((r) => r.errors) };
}

export interface AbResult {
  baseline: IngestRow;
  current: IngestRow;
  rounds: number;
}

export async function ingestAB(shape: IngestShape, client: Parameters<typeof ingestRow>[1], server: ServerProcessOptions, start: string, rounds: number): Promise<AbResult> {
  const baseline: IngestRow[] = [];
  const current: IngestRow[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so neither always runs on the warmer machine.
    const order = i % 2 === 0 ? ['baseline', 'current'] : ['current', 'baseline'];
    for (const which of order) {
      if (which === 'baseline') baseline.push(await ingestRow(shape, client, { ...server, startModule: start }));
      else current.push(await ingestRow(shape, client, server));
    }
  }
  return { baseline: medianRow(baseline), current: medianRow(current), rounds };
}
