// A coarse shared clock so "5 min ago" labels stay true without each row running a timer.

const TICK_MS = 30_000; // relative times are shown to the minute at best

/** The current time, refreshed every TICK_MS. */
export const clock = $state({ now: Date.now() });

setInterval(() => (clock.now = Date.now()), TICK_MS);
