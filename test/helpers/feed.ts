// A real WebSocket client for the feed that collects frames and waits for them.

import WebSocket from 'ws';

export interface FeedClient {
  frames: Array<Record<string, unknown> & { type: string }>;
  /** Resolves with the first frame (already received or future) matching the predicate. */
  next(predicate: (f: Record<string, unknown> & { type: string }) => boolean, timeoutMs?: number): Promise<Record<string, unknown> & { type: string }>;
  close(): void;
}

export function openFeed(url: string, headers: Record<string, string> = {}): Promise<FeedClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: FeedClient['frames'] = [];
    const waiters: Array<{ p: (f: FeedClient['frames'][number]) => boolean; resolve: (f: FeedClient['frames'][number]) => void }> = [];
    ws.on('message', (data) => {
      const f = JSON.parse(String(data));
      frames.push(f);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.p(f)) waiters.splice(i, 1)[0]!.resolve(f);
      }
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { statusCode: res.statusCode })));
    ws.once('open', () =>
      resolve({
        frames,
        next(p, timeoutMs = 5000) {
          const seen = frames.find(p);
          if (seen) return Promise.resolve(seen);
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error('no matching feed frame in time')), timeoutMs); // a deadline, not a wait
            waiters.push({ p, resolve: (f) => (clearTimeout(t), res(f)) });
          });
        },
        close: () => ws.close(),
      }),
    );
  });
}
