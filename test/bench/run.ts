// `npm run bench`: starts Mailroom as a child process, drives it over loopback, prints one table
// and writes bench-results/bench-<time>.json (and latest.json). Bounded in count and time.
//
//   --quick              about a fifth of the counts (and a 20k cap) for a fast look
//   --only a,b           groups: startup, ingest, nodemailer, pop3, imap, growth, api, ui, feed, greeting
//   --client C           ingest load generator: auto (smtp-source and the lean client when
//                        smtp-source is installed, else lean), lean, smtp-source
//   --log-level L        the server's log level (default info, as users run it; output discarded)
//   --cap N              stored messages for the growth/API/UI rows (default 100000)
//   --ui-selector S      CSS selector of an inbox row (default "[role=option], [role=row], li")
//   --set key=value      a server Config override for every server started (repeatable), e.g.
//                        --set transcripts=false
//   --profile            write a CPU profile per server process to bench-results/profiles/
//   --node-arg A         a node/V8 flag for every server process (repeatable), e.g.
//                        --node-arg --heap-growing-percent=25
//   --baseline DIR       ingest rows before and after in one run: DIR is another checkout, built
//                        (e.g. git worktree add /tmp/base HEAD~3 && cd /tmp/base && npm ci && npm run build);
//                        each shape runs against both builds alternately, --rounds times (default 3)

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { apiLatency, type LatencyRow } from './api-latency.js';
import { feedLatency, type FeedResult } from './feed.js';
import { greetingLatency } from './greeting.js';
import { growth, type GrowthResult } from './growth.js';
import { ingestRow, ingestShapes, nodemailerPoolRow, type IngestRow } from './ingest.js';
import { baselineStart, ingestAB } from './ingest-ab.js';
import { serverBuild, startServerProcess, type ServerProcessOptions } from './server-process.js';
import { findSmtpSource } from './smtp-source.js';
import { fmt, MB, type ReportRow as Row } from './stats.js';
import { DEFAULT_ROW_SELECTOR, uiFirstRows, type UiResult } from './ui.js';
import { startupRow } from './startup.js';
import { dovecotPop3Row, mailroomPop3Row } from './pop3.js';
import { imapRows } from './imap-rows.js';
import { dovecotImap, mailroomImap } from './imap.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const GROUPS = ['startup', 'ingest', 'nodemailer', 'pop3', 'imap', 'growth', 'api', 'ui', 'feed', 'greeting'] as const;

function args(argv: string[]) {
  const o = { quick: false, only: new Set<string>(GROUPS), client: 'auto', logLevel: 'info', cap: 100_000, uiSelector: DEFAULT_ROW_SELECTOR, profile: false, nodeArgs: [] as string[], set: {} as Record<string, unknown>, baseline: '', rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--only') o.only = new Set(value().split(','));
    else if (a === '--client') o.client = value();
    else if (a === '--log-level') o.logLevel = value();
    else if (a === '--cap') o.cap = Number(value());
    else if (a === '--ui-selector') o.uiSelector = value();
    else if (a === '--profile') o.profile = true;
    else if (a === '--node-arg') o.nodeArgs.push(value());
    else if (a === '--baseline') o.baseline = value();
    else if (a === '--rounds') o.rounds = Number(value());
    else if (a === '--set') {
      const [key, raw = ''] = value().split(/=(.*)/s);
      o.set[key!] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    }
    else throw new Error(`unknown option ${a}`);
  }
  for (const g of o.only) if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`unknown group ${g} (groups: ${GROUPS.join(', ')})`);
  if (o.quick && o.cap === 100_000) o.cap = 20_000;
  return o;
}

async function main(): Promise<void> {
  const o = args(process.argv.slice(2));
  const scale = o.quick ? 0.2 : 1;
  const outDir = join(ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const log = (line: string) => process.stderr.write(line + '\n');
  const server = (config: ServerProcessOptions['config'] = {}): ServerProcessOptions => ({
    config: { logLevel: o.logLevel, ...o.set, ...config },
    nodeArgs: [...o.nodeArgs, ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] : [])],
  });
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart: loadavg() },
    options: { ...o, only: [...o.only] },
  };
  const deadline = Date.now() + 20 * 60_000; // the whole run stops by itself
  const timeLeft = () => Date.now() < deadline;

  // --- Start-up of the installed package
  if (o.only.has('startup')) {
    log('start-up: the packed package, installed, started 10 times');
    const st = await startupRow(o.quick ? 5 : 10);
    results.startup = st;
    const m = st.mailroom;
    const md = 'unavailable' in st.maildev ? null : st.maildev;
    rows.push({
      measure: `cold start of the installed package → SMTP 220 / HTTP ready (median of ${m.starts})`,
      figure: `${fmt(m.smtp.p50, 0)} ms / ${fmt(m.http.p50, 0)} ms`,
      target: '< 1000 ms',
      met: Math.max(m.smtp.p50, m.http.p50) < 1000,
      note: `first start ${fmt(m.smtp.first, 0)} / ${fmt(m.http.first, 0)} ms; tarball ${fmt(st.tarballBytes / 1024, 0)} KB; ${md ? `MailDev ${fmt(md.smtp.p50, 0)} / ${fmt(md.http.p50, 0)} ms` : (st.maildev as { unavailable: string }).unavailable}`,
    });
  }

  // --- SMTP ingest
  const smtpSource = findSmtpSource();
  const clients: Array<{ kind: 'lean' } | { kind: 'smtp-source'; bin: string }> = [];
  if (o.client === 'lean') clients.push({ kind: 'lean' });
  else if (o.client === 'smtp-source' || o.client === 'auto') {
    if (smtpSource) clients.push({ kind: 'smtp-source', bin: smtpSource });
    else log('smtp-source not found (Debian: apt-get install postfix; the daemon is not needed): using the lean client only');
    if (o.client === 'auto' || !smtpSource) clients.push({ kind: 'lean' });
  } else throw new Error(`--client must be auto, lean or smtp-source`);
  const targets: Record<string, number> = {
    '10 sessions, reused, 2 KB': 5000,
    '1 session, reused, 2 KB': 2000,
    '10 senders, new connection each, 2 KB': 2000,
    '10 sessions, reused, 100 KB': 1500,
  };
  const ingest: IngestRow[] = [];
  if (o.only.has('ingest')) {
    for (const shape of ingestShapes(scale)) {
      for (const client of clients) {
        if (!timeLeft()) break;
        log(`ingest: ${shape.name} (${client.kind}, ${shape.messages} messages)`);
        if (o.baseline) {
          const ab = await ingestAB(shape, client, server(), baselineStart(o.baseline), o.rounds);
          ingest.push(ab.baseline, ab.current);
          const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${fmt(((a - b) / b) * 100, 1)}%`;
          for (const [label, r] of [['baseline', ab.baseline], ['current', ab.current]] as const) {
            rows.push({ measure: `SMTP ${shape.name} [${client.kind}] ${label}`, figure: `${fmt(r.rate, 0)} msg/s`, target: '—', met: null, note: `server ${fmt(r.serverCpuMsPerMessage, 3)} ms CPU/msg; median of ${ab.rounds}${label === 'current' ? `; vs baseline ${pct(r.rate, ab.baseline.rate)} msg/s, ${pct(r.serverCpuMsPerMessage, ab.baseline.serverCpuMsPerMessage)} CPU/msg` : ''}` });
          }
          continue;
        }
        const r = await ingestRow(shape, client, server());
        ingest.push(r);
        const target = targets[shape.name]!;
        rows.push({
          measure: `SMTP ${shape.name} [${client.kind}]`,
          figure: `${fmt(r.rate, 0)} msg/s`,
          target: `≥ ${fmt(target, 0)} msg/s`,
          met: r.rate >= target,
          note: `server ${fmt(r.serverCpuMsPerMessage, 3)} ms CPU/msg, client ${fmt(r.clientCpuMsPerMessage, 3)}${r.accepted < r.messages ? `, only ${r.accepted}/${r.messages} accepted` : ''}${r.errors.length ? `; errors: ${r.errors[0]}` : ''}`,
        });
      }
    }
  }
  if (o.only.has('nodemailer') && timeLeft()) {
    log('ingest: nodemailer pool of 10');
    const r = await nodemailerPoolRow(Math.round(10_000 * scale), server());
    ingest.push(r);
    rows.push({ measure: `SMTP ${r.name}`, figure: `${fmt(r.rate, 0)} msg/s`, target: '—', met: null, note: `server ${fmt(r.serverCpuMsPerMessage, 3)} ms CPU/msg, nodemailer ${fmt(r.clientCpuMsPerMessage, 3)} ms CPU/msg` });
  }
  results.ingest = ingest;

  // --- POP3: one session downloading every message, Mailroom and Dovecot side by side
  if (o.only.has('pop3') && timeLeft()) {
    const count = Math.round(10_000 * scale);
    log(`pop3: RETR of ${count.toLocaleString('en-US')} messages of 2 KB, Mailroom then Dovecot`);
    const pop3 = [await mailroomPop3Row(count, server()), await dovecotPop3Row(count)];
    results.pop3 = pop3;
    for (const r of pop3) rows.push({ measure: `POP3 RETR ${fmt(count, 0)} × 2 KB, one session [${r.server}]`, figure: r.perSecond === null ? 'n/a' : `${fmt(r.perSecond, 0)} msg/s`, target: '—', met: null, note: r.note });
  }

  // --- IMAP: fetch, search and IDLE, Mailroom and Dovecot side by side
  if (o.only.has('imap') && timeLeft()) {
    const count = Math.round(10_000 * scale);
    log(`imap: UID FETCH of ${count.toLocaleString('en-US')}, UID SEARCH over ${count.toLocaleString('en-US')} and ${(count * 10).toLocaleString('en-US')}, IDLE; Mailroom then Dovecot`);
    const imap = [await mailroomImap(count, count * 10, server()), await dovecotImap(count, count * 10)];
    results.imap = imap;
    rows.push(...imapRows(imap[0]!, imap[1]!));
  }

  // --- Growth, then API latency and UI on the full store
  if (['growth', 'api', 'ui'].some((g) => o.only.has(g)) && timeLeft()) {
    const cap = o.cap;
    // Bytes cap well above what `cap` 2 KB messages cost (raw, view, search text: ~7 KB), so the
    // count cap is the one that binds.
    const s = await startServerProcess(server({ maxMessages: cap, maxStoreBytes: Math.max(512 * MB, cap * 16 * 1024) }));
    try {
      let g: GrowthResult | null = null;
      if (o.only.has('growth')) {
        log(`growth: filling to ${cap.toLocaleString('en-US')} stored`);
        const levels = [0, Math.round(cap / 10), Math.round(cap / 2), cap];
        g = await growth(s, { cap, levels, sample: Math.round(5000 * scale), pastCap: Math.round(cap / 2), log });
        results.growth = g;
        // On a shared machine msg/s swings with other load; server CPU per message does not, so
        // "within 10% of empty" is judged on it (the rate is shown beside it).
        const empty = g.points[0]!;
        for (const p of g.points) {
          const cpuRatio = p.serverCpuMsPerMessage / empty.serverCpuMsPerMessage;
          rows.push({
            measure: `ingest at ${fmt(p.stored, 0)} stored (10 sessions, 2 KB, lean)`,
            figure: `${fmt(p.rate, 0)} msg/s, ${fmt(p.serverCpuMsPerMessage, 3)} ms CPU/msg`,
            target: p.stored === 0 ? '—' : 'within 10% of empty',
            met: p.stored === 0 ? null : cpuRatio <= 1.1,
            note: `${p.stored === 0 ? '' : `CPU/msg ${fmt((cpuRatio - 1) * 100, 0)}% vs empty; `}RSS ${fmt(p.rss / MB, 0)} MB, heap ${fmt(p.heapUsed / MB, 0)} MB (${fmt(p.heapTotal / MB, 0)} committed), buffers ${fmt(p.arrayBuffers / MB, 0)} MB`,
          });
        }
        const atCap = g.points[g.points.length - 1]!;
        rows.push({ measure: `RSS with ${fmt(cap, 0)} stored 2 KB messages`, figure: `${fmt(atCap.rss / MB, 0)} MB`, target: cap === 100_000 ? '≤ 400 MB' : '(scaled run)', met: cap === 100_000 ? atCap.rss <= 400 * MB : null, note: `${fmt(g.rssPerMessage / 1024, 2)} KB RSS per stored message` });
        if (g.afterCap) {
          const growthPct = ((g.afterCap.rss - atCap.rss) / atCap.rss) * 100;
          rows.push({ measure: `RSS after ${fmt(g.afterCap.sent, 0)} more past the cap`, figure: `${fmt(g.afterCap.rss / MB, 0)} MB`, target: 'flat', met: growthPct <= 10, note: `${growthPct >= 0 ? '+' : ''}${fmt(growthPct, 1)}% vs at the cap; heap ${fmt(g.afterCap.heapUsed / MB, 0)} MB (${fmt(g.afterCap.heapTotal / MB, 0)} committed), buffers ${fmt(g.afterCap.arrayBuffers / MB, 0)} MB; ${fmt(g.afterCap.count, 0)} stored` });
        }
      } else {
        log(`filling to ${cap.toLocaleString('en-US')} stored for the API/UI rows`);
        await growth(s, { cap, levels: [], sample: 0, pastCap: 0, log });
      }
      if (o.only.has('api') && timeLeft()) {
        log('api latency');
        const api: LatencyRow[] = await apiLatency(s.url, o.quick ? 30 : 100);
        results.api = api;
        const apiTargets = [5, 20, 100, null, null];
        api.forEach((r, i) => {
          const t = apiTargets[i];
          rows.push({ measure: `API ${r.name} at ${fmt(cap, 0)}`, figure: `p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`, target: t ? `≤ ${t} ms` : '—', met: t ? r.p50 <= t && !r.error : null, note: r.error ?? r.detail });
        });
      }
      if (o.only.has('ui') && timeLeft()) {
        log('ui: first rows in headless Chromium');
        const ui: UiResult = await uiFirstRows(s.url, { selector: o.uiSelector, loads: 5, webBuilt: existsSync(join(ROOT, 'dist/web/index.html')) });
        results.ui = ui;
        rows.push({ measure: `UI first rows visible at ${fmt(cap, 0)}`, figure: ui.available ? `median ${fmt(ui.p50, 0)} ms, max ${fmt(ui.max, 0)} ms` : 'n/a', target: '≤ 1,000 ms', met: ui.available ? ui.p50 <= 1000 : null, note: ui.available ? `selector ${ui.selector}` : ui.reason! });
      }
    } finally {
      await s.close();
    }
  }

  // --- Feed and wait latency at a steady rate
  if (o.only.has('feed') && timeLeft()) {
    log('feed: 1,000 msg/s');
    const s = await startServerProcess(server());
    try {
      const f: FeedResult = await feedLatency(s, { rate: 1000, seconds: o.quick ? 4 : 10 });
      results.feed = f;
      rows.push({ measure: `SMTP 250 → WebSocket event at ${fmt(f.rate, 0)} msg/s`, figure: `p50 ${fmt(f.event.p50)} ms, p99 ${fmt(f.event.p99)} ms`, target: 'p99 ≤ 10 ms', met: f.event.p99 <= 10 && f.event.missing === 0, note: `${f.event.n} events${f.event.missing ? `, ${f.event.missing} missing` : ''}; end of data → 250 p50 ${fmt(f.ack.p50)} ms, p99 ${fmt(f.ack.p99)} ms` });
      rows.push({ measure: 'SMTP 250 → pending wait returns', figure: f.wait.available ? `p50 ${fmt(f.wait.p50)} ms, p99 ${fmt(f.wait.p99)} ms` : 'not available', target: 'p99 ≤ 10 ms', met: f.wait.available ? f.wait.p99 <= 10 && f.wait.failures === 0 : null, note: f.wait.available ? `${f.wait.n} waits, ${f.wait.failures} failed${f.wait.failureReasons.length ? ` (${f.wait.failureReasons[0]})` : ''}` : f.wait.reason ?? '' });
    } finally {
      await s.close();
    }
  }

  // --- Greeting latency
  if (o.only.has('greeting') && timeLeft()) {
    log('greeting latency');
    const s = await startServerProcess(server());
    try {
      const gr = await greetingLatency(s.smtpPort, o.quick ? 100 : 500);
      results.greeting = gr;
      rows.push({ measure: 'greeting on a new connection (connect → 220)', figure: `p50 ${fmt(gr.p50)} ms, p99 ${fmt(gr.p99)} ms`, target: '—', met: null, note: `${gr.n} connections` });
    } finally {
      await s.close();
    }
  }

  results.rows = rows;
  results.finishedAt = new Date().toISOString();
  results.loadAverageAtEnd = loadavg();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(outDir, `bench-${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2));
  printTable(rows);
  const load = (results.machine as { loadAverageAtStart: number[] }).loadAverageAtStart;
  console.log(`\n${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, server ${serverBuild()} build, log level ${o.logLevel}${Object.keys(o.set).length ? `, ${JSON.stringify(o.set)}` : ''}.`);
  console.log(`Load average at start ${load.map((x) => x.toFixed(1)).join(' ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other work on the machine lowers msg/s; CPU ms per message is the steadier figure).`);
  console.log(`Results: ${file}`);
}

function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [r.measure, r.figure, r.target, r.met === null ? '' : r.met ? 'yes' : 'NO', r.note]);
  const head = ['measure', 'figure', 'target', 'met', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => '| ' + c.map((x, i) => x.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(head));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const c of cells) console.log(line(c));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
