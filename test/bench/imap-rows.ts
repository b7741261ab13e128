// The report rows of the IMAP group: each figure for Mailroom and Dovecot, the goal (within 2× of
// Dovecot on fetch and search; IDLE p99 ≤ 20 ms) judged on Mailroom's row.

import { ONE_FETCH, type ImapServerResult } from './imap.js';
import { fmt, type ReportRow } from './stats.js';

const ms = (v: number) => `${fmt(v, v < 10 ? 2 : 0)} ms`;

export function imapRows(mailroom: ImapServerResult, dovecot: ImapServerResult): ReportRow[] {
  const rows: ReportRow[] = [];
  const ratio = (a: number, b: number | undefined) => (b === undefined ? null : a / b);
  const pair = (measure: string, m: number | undefined, d: number | undefined, mNote: string, figure: (v: number) => string, goal = true) => {
    const r = m === undefined ? null : ratio(m, d);
    rows.push({ measure: `${measure} [Mailroom]`, figure: m === undefined ? 'n/a' : figure(m), target: goal ? '≤ 2× Dovecot' : '—', met: r === null || !goal ? null : r <= 2, note: `${r === null ? 'no Dovecot figure' : `${fmt(r, 2)}× Dovecot`}; ${mNote}` });
    rows.push({ measure: `${measure} [Dovecot]`, figure: d === undefined ? 'n/a' : figure(d), target: '—', met: null, note: dovecot.note });
  };
  const f = mailroom.fetch;
  pair(`IMAP UID FETCH 1:* BODY.PEEK[] of ${fmt(f?.messages ?? 0, 0)} × 2 KB, one command (median of 3)`, f?.ms, dovecot.fetch?.ms, f ? `${fmt((f.messages * 1000) / f.ms, 0)} msg/s, ${fmt(f.bytes / 1024 / 1024, 1)} MB answer` : '', ms);
  for (const s of mailroom.search) {
    const d = dovecot.search.find((x) => x.key === s.key && x.messages === s.messages);
    const agree = d && d.hits !== s.hits ? `; hits differ: ${s.hits} vs ${d.hits}` : '';
    if (s.key === ONE_FETCH) pair(`IMAP ${s.key} in ${fmt(s.messages, 0)} (median of 50)`, s.medianMs, d?.medianMs, 'SELECTed once, then one command after another (round trip included)', ms, false);
    else pair(`IMAP UID SEARCH ${s.key} over ${fmt(s.messages, 0)} (median of 5, warm)`, s.medianMs, d?.medianMs, `${s.hits} hits${agree}`, ms);
  }
  const i = mailroom.idle;
  const di = dovecot.idle;
  rows.push({
    measure: 'IMAP IDLE: SMTP 250 → EXISTS on an idling client, p50 / p99 [Mailroom]',
    figure: i ? `${ms(Math.max(0, i.p50))} / ${ms(Math.max(0, i.p99))}` : 'n/a',
    target: 'p99 ≤ 20 ms',
    met: i ? i.p99 <= 20 && i.missing === 0 : null,
    note: i ? `${i.n} messages at 20/s; measured ${ms(i.p50)} / ${ms(i.p99)}, max ${ms(i.max)} (negative: the EXISTS came before the sender read its 250; shown as 0)${i.missing ? `; ${i.missing} EXISTS missing` : ''}` : '',
  });
  rows.push({
    measure: 'IMAP IDLE: Maildir delivery → EXISTS, p50 / p99 [Dovecot]',
    figure: di ? `${ms(di.p50)} / ${ms(di.p99)}` : 'n/a',
    target: '—',
    met: null,
    note: di ? `${di.n} messages at 20/s (rename into new/); max ${ms(di.max)}${di.missing ? `; ${di.missing} EXISTS missing` : ''}; ${dovecot.note}` : dovecot.note,
  });
  return rows;
}
