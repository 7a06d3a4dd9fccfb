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

/** name -> value of a form's named fields, as a submit handler wants them
 * (rc_event_get_form_field): text fields, textareas and single selects as
 * their value; a lone checkbox as a boolean, checkboxes sharing a name as
 * the array of the checked ones' values; a radio group as its checked value
 * (null when none is); a select with `multiple` as the array of the selected
 * options' values. File inputs are left out (their contents never travel). */
function formFields(form: HTMLFormElement): Obj {
  const out: Obj = {};
  const fields = Array.from(form.elements).filter(
    (el): el is HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement =>
      isField(el) && !!el.name && !/^(submit|button|reset|image|file)$/.test(el.type));
  // A checkbox is a yes/no unless its name is shared: then a set of values.
  const boxes: Record<string, number> = {};
  for (const el of fields) if (el.type === 'checkbox') boxes[el.name] = (boxes[el.name] || 0) + 1;
  for (const el of fields) {
    if (el.type === 'checkbox') {
      const box = el as HTMLInputElement;
      if (boxes[el.name] === 1) out[el.name] = box.checked;
      else {
        const vals = (Array.isArray(out[el.name]) ? out[el.name] : (out[el.name] = [])) as string[];
        if (box.checked) vals.push(box.value);
      }
    } else if (el.type === 'radio') {
      if ((el as HTMLInputElement).checked) out[el.name] = el.value;
      else if (!(el.name in out)) out[el.name] = null;
    } else if (el instanceof HTMLSelectElement && el.multiple) {
      out[el.name] = Array.from(el.selectedOptions, (o) => o.value);
    } else out[el.name] = el.value;
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
