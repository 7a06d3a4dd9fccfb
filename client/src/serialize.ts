// DOM events as small plain JSON objects, the first handler argument the
// server sees (it reads data[0].value, data[0].checked, data[0].key, ...).

import { isField } from './types';

type Obj = Record<string, unknown>;

const MODIFIERS = ['altKey', 'ctrlKey', 'metaKey', 'shiftKey'];
const KEYBOARD = ['key', 'code', 'repeat', ...MODIFIERS];
const MOUSE = ['clientX', 'clientY', 'pageX', 'pageY', 'button', 'buttons', ...MODIFIERS];

function copy(out: Obj, from: object, names: string[]): void {
  for (const n of names) out[n] = (from as Obj)[n];
}

/** What the server may want to know about an element. */
function describe(el: Element): Obj {
  const e = el as unknown as Obj;
  const o: Obj = { tagName: el.tagName, id: el.id };
  if (typeof e.name === 'string') o.name = e.name;
  // Only string values: an <li>'s `value` is a number, nothing a user typed.
  if (typeof e.value === 'string') o.value = e.value;
  if (typeof e.checked === 'boolean') o.checked = e.checked;
  return o;
}

/** name -> value of a form's named fields, as a submit handler wants them:
 * checkboxes as booleans, a radio group as its checked value. */
function formFields(form: HTMLFormElement): Obj {
  const out: Obj = {};
  for (const el of Array.from(form.elements)) {
    if (!isField(el) || !el.name || /^(submit|button|reset|image|file)$/.test(el.type)) continue;
    if (el.type === 'checkbox') out[el.name] = (el as HTMLInputElement).checked;
    else if (el.type !== 'radio') out[el.name] = el.value;
    else if ((el as HTMLInputElement).checked) out[el.name] = el.value;
  }
  return out;
}

/** `current` is the element whose handler fires (the event may come from a
 * descendant). */
export function serialize(ev: Event, current: Element): Obj {
  const target = ev.target instanceof Element ? ev.target : current;
  const o: Obj = { type: ev.type };
  if (isField(target)) {
    o.value = target.value;
    if (target instanceof HTMLInputElement) o.checked = target.checked;
  }
  if (ev instanceof KeyboardEvent) copy(o, ev, KEYBOARD);
  if (ev instanceof MouseEvent) copy(o, ev, MOUSE); // also pointer and wheel events
  o.target = describe(target);
  o.currentTarget = describe(current);
  if (ev.type === 'submit' && target instanceof HTMLFormElement) o.elements = formFields(target);
  return o;
}
