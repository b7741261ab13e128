// API latency rows at a given store size: list first page, selective search, full-text search,
// get one message, raw download. Client-side wall time over keep-alive HTTP, p50/p99.

import { createGetter } from './http.js';
import { now, percentile } from './stats.js';

export interface LatencyRow {
  name: string;
  path: string;
  requests: number;
  p50: number;
  p99: number;
  /** What the first response said (matches / bytes), to show the query did real work. */
  detail: string;
  error?: string;
}

const TIME_BUDGET_MS = 15_000; // per row
const MIN_REQUESTS = 10;

async function measure(get: ReturnType<typeof createGetter>['get'], name: string, paths: string[], describe: (body: Buffer) => string): Promise<LatencyRow> {
  const times: number[] = [];
  let detail = '';
  let error: string | undefined;
  for (const path of paths.slice(0, 3)) await get(path); // warm-up
  const stopAt = now() + TIME_BUDGET_MS;
  for (const path of paths) {
    if (times.length >= MIN_REQUESTS && now() > stopAt) break; // a slow route gets fewer samples, not minutes
    const t = now();
    const r = await get(path);
    times.push(now() - t);
    if (r.status !== 200 && !error) error = `HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`;
    if (!detail && r.status === 200) detail = describe(r.body);
  }
  return { name, path: paths[0]!, requests: times.length, p50: percentile(times, 50), p99: percentile(times, 99), detail, ...(error ? { error } : {}) };
}

const total = (body: Buffer) => {
  const j = JSON.parse(body.toString('utf8')) as { total?: number; messages?: unknown[] };
  return `${j.messages?.length ?? 0} rows of ${j.total ?? '?'} matches`;
};

export async function apiLatency(url: string, requests: number): Promise<LatencyRow[]> {
  const http = createGetter(url);
  try {
    const page = JSON.parse((await http.get('/api/messages?limit=1000')).body.toString('utf8')) as { messages: { id: string }[] };
    const ids = page.messages.map((m) => m.id);
    const repeat = (f: (i: number) => string) => Array.from({ length: requests }, (_, i) => f(i));
    const q = (s: string) => `/api/messages?limit=50&query=${encodeURIComponent(s)}`;
    return [
      await measure(http.get, 'list, first page (50)', repeat(() => '/api/messages?limit=50'), total),
      await measure(http.get, 'selective search to:one address', repeat((i) => q(`to:user${(i * 7) % 1000}@example.test`)), total),
      await measure(http.get, 'full-text search (1 in 1,000 bodies)', repeat(() => q('needle')), total),
      // Distinct ids, so the parsed-message cache does not hide the parse.
      await measure(http.get, 'get one message (parsed)', repeat((i) => `/api/messages/${ids[(i * 13) % ids.length]}`), (b) => `${b.length} bytes JSON`),
      await measure(http.get, 'raw download', repeat((i) => `/api/messages/${ids[(i * 17) % ids.length]}/raw`), (b) => `${b.length} bytes`),
    ];
  } finally {
    http.close();
  }
}
