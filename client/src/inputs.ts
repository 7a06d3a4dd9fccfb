// Controlled inputs. The server renders value/checked from its state, but it
// lags behind the user: a patch may carry a value computed before the
// user's latest keystrokes. So each field remembers the seq of the last event
// it sent; a server value is written only once the server has acknowledged
// that seq, otherwise it is kept aside and written when the ack catches up.

import { Field } from './types';

interface Control {
  epoch: number; // controls of an older session are stale
  seq: number; // last event this field sent
  value?: string; // last value the server asked for
  checked?: boolean;
}

const controls = new WeakMap<Field, Control>();
const waiting = new Set<Field>(); // fields with events the server has not acknowledged
let acked = 0;
let epoch = 0;

function control(el: Field): Control {
  let c = controls.get(el);
  if (!c || c.epoch !== epoch) controls.set(el, (c = { epoch, seq: 0 }));
  return c;
}

/** A fresh session: seq numbers start again and the server's values win. */
export function reset(): void {
  acked = 0;
  epoch++;
  waiting.clear();
}

/** The server sets `value` or `checked` of a field. */
export function serverSet(el: Field, prop: 'value' | 'checked', v: string | boolean): void {
  const c = control(el);
  if (prop === 'value') c.value = v as string;
  else c.checked = v as boolean;
  if (c.seq <= acked) write(el, prop, v);
}

/** A whole tree (after a reconnect) gives a field the server controlled no
 * `value` or `checked`: that says '' or false, as removing it in a patch
 * would. Fields the server never set keep what the user put in them. */
export function serverUnset(el: Field, prop: 'value' | 'checked'): void {
  const c = controls.get(el);
  if (c && c.epoch === epoch && c[prop] !== undefined) serverSet(el, prop, prop === 'value' ? '' : false);
}

/** The user changed the field and event `seq` carried the change. */
export function userSent(el: Field, seq: number): void {
  control(el).seq = seq;
  waiting.add(el);
}

/** The server has applied every event up to `seq`. */
export function ack(seq: number): void {
  if (seq > acked) acked = seq;
}

/** After a message: fields whose events are all acknowledged show the
 * server's value again (it may differ: the server can reject or rewrite). */
export function settle(): void {
  waiting.forEach((el) => {
    const c = control(el);
    if (!el.isConnected) waiting.delete(el);
    else if (c.seq <= acked) {
      waiting.delete(el);
      if (c.value !== undefined) write(el, 'value', c.value);
      if (c.checked !== undefined) write(el, 'checked', c.checked);
    }
  });
}

function write(el: Field, prop: 'value' | 'checked', v: string | boolean): void {
  if (prop === 'checked') {
    if (el instanceof HTMLInputElement && el.checked !== v) el.checked = v as boolean;
    return;
  }
  // Setting an equal value still moves the caret in some browsers.
  if (el.value === v) return;
  let start: number | null = null;
  let end: number | null = null;
  if (el === document.activeElement && !(el instanceof HTMLSelectElement)) {
    // Types such as number and email have no selection: these are null or throw.
    try {
      start = el.selectionStart;
      end = el.selectionEnd;
    } catch (e) {
      start = null;
    }
  }
  el.value = v as string;
  if (start !== null && !(el instanceof HTMLSelectElement)) {
    const n = el.value.length;
    try {
      el.setSelectionRange(Math.min(start, n), Math.min(end === null ? start : end, n));
    } catch (e) {
      // no selection API for this input type
    }
  }
}
