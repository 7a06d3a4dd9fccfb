// Idle: a tab nobody has touched for a while goes to sleep (the connection
// closes and the server frees the session: its state is in our token), and
// the first sign of the user wakes it. So an idle tab costs the server
// nothing, and a tab left open overnight works again at the first click
// instead of showing a dead page.

import { Connection } from './connection';

// What counts as the user being there. Capture phase: a page handler that
// stops propagation must not hide activity from us.
const ACTIVITY = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll', 'focus'];

/** Sleeps after `ms` without activity; 0 never sleeps. */
export function watchIdle(conn: Connection, ms: number): void {
  if (!ms) return;
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;

  // One timer, rescheduled to the moment the page would become idle, rather
  // than work on every pointer move.
  const check = () => {
    const left = last + ms - Date.now();
    if (left > 0) timer = setTimeout(check, left);
    else if (!conn.sleep()) timer = setTimeout(check, ms); // cannot sleep yet: later
  };
  const active = () => {
    last = Date.now();
    if (conn.asleep) {
      conn.wake();
      clearTimeout(timer);
      timer = setTimeout(check, ms);
    }
  };
  for (const type of ACTIVITY) window.addEventListener(type, active, { capture: true, passive: true });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') active();
  });
  timer = setTimeout(check, ms);
}
