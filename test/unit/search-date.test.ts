// Query dates read as wall time in a time zone (including DST edges and explicit offsets), and sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryDate, parseQuerySize } from '../../server/mail/search-date.js';

const dates: Array<[string, string, string | null]> = [
  ['2024-01-31', 'UTC', '2024-01-31T00:00:00.000Z'],
  ['2024/01/31', 'UTC', '2024-01-31T00:00:00.000Z'],
  ['2024.1.5', 'UTC', '2024-01-05T00:00:00.000Z'],
  ['01/31/2024', 'UTC', '2024-01-31T00:00:00.000Z'], // US month/day, as Mailpit
  ['2024-01-31T14:30', 'UTC', '2024-01-31T14:30:00.000Z'],
  ['2024-01-31 14:30:15', 'UTC', '2024-01-31T14:30:15.000Z'],
  ['2024-01-31T14:30:15.250', 'UTC', '2024-01-31T14:30:15.250Z'],
  ['2024-01-31', 'Europe/Berlin', '2024-01-30T23:00:00.000Z'], // CET, +01:00
  ['2024-07-31', 'Europe/Berlin', '2024-07-30T22:00:00.000Z'], // CEST, +02:00
  ['2024-01-31', 'America/New_York', '2024-01-31T05:00:00.000Z'],
  ['2024-01-31', 'Asia/Kolkata', '2024-01-30T18:30:00.000Z'], // half-hour offset
  ['2024-01-01', 'Pacific/Kiritimati', '2023-12-31T10:00:00.000Z'], // +14:00, date line edge
  ['2024-01-01', 'Pacific/Pago_Pago', '2024-01-01T11:00:00.000Z'], // -11:00
  // Europe/Berlin springs forward 2024-03-31 02:00 -> 03:00 and falls back 2024-10-27 03:00 -> 02:00.
  ['2024-03-31T01:59', 'Europe/Berlin', '2024-03-31T00:59:00.000Z'],
  ['2024-03-31T03:00', 'Europe/Berlin', '2024-03-31T01:00:00.000Z'],
  ['2024-03-31T02:30', 'Europe/Berlin', '2024-03-31T01:30:00.000Z'], // in the gap: read as 03:30 CEST
  ['2024-10-27T01:30', 'Europe/Berlin', '2024-10-26T23:30:00.000Z'],
  ['2024-10-27T04:00', 'Europe/Berlin', '2024-10-27T03:00:00.000Z'],
  // An explicit offset wins over tz.
  ['2024-01-31T10:00Z', 'Europe/Berlin', '2024-01-31T10:00:00.000Z'],
  ['2024-01-31T10:00+02:00', 'UTC', '2024-01-31T08:00:00.000Z'],
  ['2024-01-31T10:00-0530', 'UTC', '2024-01-31T15:30:00.000Z'],
  ['1706659200', 'Europe/Berlin', '2024-01-31T00:00:00.000Z'], // Unix seconds
  ['2024-02-29', 'UTC', '2024-02-29T00:00:00.000Z'],
  ['20240131', 'Europe/Berlin', '2024-01-30T23:00:00.000Z'],
  ['2 Jan 2024', 'UTC', '2024-01-02T00:00:00.000Z'],
  ['January 2, 2024', 'America/New_York', '2024-01-02T05:00:00.000Z'],
  ['Sept 3rd, 2024 14:30', 'UTC', '2024-09-03T14:30:00.000Z'],
  ['Tue, 02 Jan 2024 10:00:00 +0100', 'UTC', '2024-01-02T09:00:00.000Z'], // RFC 5322
  ['02 Jan 2024 10:00 GMT', 'Europe/Berlin', '2024-01-02T10:00:00.000Z'],
  ['2 Foo 2024', 'UTC', null],
  ['31 Feb 2024', 'UTC', null],
  ['20241301', 'UTC', null],
  ['2023-02-29', 'UTC', null],
  ['2024-13-01', 'UTC', null],
  ['2024-01-32', 'UTC', null],
  ['2024-01-31T24:00', 'UTC', null],
  ['2024-01-31T10:60', 'UTC', null],
  ['31.01.2024', 'UTC', null],
  ['tomorrow', 'UTC', null],
  ['', 'UTC', null],
];

for (const [text, tz, iso] of dates) {
  test(`date ${JSON.stringify(text)} in ${tz}`, () => {
    const ms = parseQueryDate(text, tz);
    assert.equal(ms === null ? null : new Date(ms).toISOString(), iso);
  });
}

const sizes: Array<[string, number | null]> = [
  ['100', 100],
  ['100b', 100],
  ['1k', 1024],
  ['1KB', 1024],
  ['1.5m', 1572864],
  ['2 MB', 2097152],
  ['1g', 1073741824],
  ['1t', null],
  ['k', null],
  ['-1k', null],
  ['1.k', null],
];

for (const [text, bytes] of sizes) {
  test(`size ${JSON.stringify(text)}`, () => assert.equal(parseQuerySize(text), bytes));
}
