// The invitation reader on invitations as Google Calendar, Outlook (Exchange, Windows zone names)
// and Apple Calendar (all-day, recurring) write them, plus nodemailer's icalEvent shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseInvitation } from '../../server/mail/ical.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/calendar/${name}`, import.meta.url), 'utf8');

test('Google Calendar: IANA zone, folded attendee lines, escaped text, an alarm that is not the event', () => {
  const e = parseInvitation(fixture('google-request.ics'))!;
  assert.equal(e.method, 'REQUEST');
  assert.equal(e.summary, 'Release planning');
  assert.equal(e.start, '2026-12-15T13:00:00.000Z', '14:00 in Berlin in winter');
  assert.equal(e.end, '2026-12-15T14:00:00.000Z');
  assert.equal(e.allDay, false);
  assert.equal(e.location, 'Room 4.12, Berlin office');
  assert.equal(e.description, 'Agenda:\n1. Release plan\n2. Questions, answers', 'not the VALARM description');
  assert.deepEqual(e.organizer, { name: 'Anna Schmidt', email: 'anna@example.test', status: null, role: null });
  assert.deepEqual(
    e.attendees.map((a) => [a.email, a.status, a.role]),
    [
      ['anna@example.test', 'ACCEPTED', 'REQ-PARTICIPANT'],
      ['jurgen@example.test', 'NEEDS-ACTION', 'REQ-PARTICIPANT'],
    ],
  );
  assert.equal(e.status, 'CONFIRMED');
});

test('Outlook: a Windows zone name resolved through its VTIMEZONE, a quoted CN with a comma', () => {
  const e = parseInvitation(fixture('outlook-request.ics'))!;
  assert.equal(e.summary, 'Q1 budget review');
  assert.equal(e.start, '2026-01-15T09:00:00.000Z', '10:00 at +01:00 (standard time in January)');
  assert.equal(e.end, '2026-01-15T10:30:00.000Z');
  assert.equal(e.organizer?.name, 'Müller, Petra');
  assert.deepEqual(e.attendees.map((a) => [a.name, a.status, a.role]), [['Bob Smith', 'NEEDS-ACTION', 'REQ-PARTICIPANT'], ['Carol Jones', 'TENTATIVE', 'OPT-PARTICIPANT']]);
  assert.equal(e.location, 'Microsoft Teams Meeting');
});

test('Apple Calendar: an all-day, yearly event', () => {
  const e = parseInvitation(fixture('apple-allday.ics'))!;
  assert.equal(e.summary, 'Holiday at the lake');
  assert.equal(e.allDay, true);
  assert.equal(e.start, '2026-12-24');
  assert.equal(e.end, '2026-12-26');
  assert.equal(e.recurrence, 'FREQ=YEARLY');
  assert.deepEqual(e.attendees.map((a) => a.status), ['ACCEPTED', 'DECLINED']);
});

test('UTC times, DURATION instead of DTEND, LF line endings; no VEVENT is null', () => {
  const e = parseInvitation('BEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nDTSTART:20261201T080000Z\nDURATION:PT1H30M\nSUMMARY:Stand-up\nEND:VEVENT\nEND:VCALENDAR\n')!;
  assert.deepEqual([e.method, e.start, e.end, e.summary], ['CANCEL', '2026-12-01T08:00:00.000Z', '2026-12-01T09:30:00.000Z', 'Stand-up']);
  assert.equal(parseInvitation('BEGIN:VCALENDAR\nEND:VCALENDAR\n'), null);
  assert.equal(parseInvitation('not a calendar at all'), null);
});
