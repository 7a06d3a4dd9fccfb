// Attributes from the model or from "a"/"r" ops. Most are plain
// setAttribute; the live state of form fields goes through properties.

import { serverSet } from './inputs';
import { isField } from './types';

// React spellings, in case a server sends the base protocol's names.
const ALIASES: Record<string, string> = { className: 'class', htmlFor: 'for' };

// Boolean attributes sent as strings: present means true, except "false".
const truthy = (v: unknown): boolean => v !== false && v !== 'false';

export function setAttr(el: Element, name: string, value: unknown): void {
  name = ALIASES[name] || name;
  if (name === 'value' && isField(el)) serverSet(el, 'value', String(value));
  else if (name === 'checked' && el instanceof HTMLInputElement) serverSet(el, 'checked', truthy(value));
  else if (name === 'selected' && el instanceof HTMLOptionElement) el.selected = truthy(value);
  else if (name === 'style' && value && typeof value === 'object') {
    // base protocol style object: {fontSize: "12px"}
    el.removeAttribute('style');
    Object.assign((el as HTMLElement).style, value);
  } else {
    const s = String(value);
    // Skipping equal values keeps reconciliation from touching the DOM.
    if (el.getAttribute(name) !== s) {
      try {
        el.setAttribute(name, s);
      } catch (e) {
        console.error('reactc: bad attribute name', name);
      }
    }
  }
}

export function removeAttr(el: Element, name: string): void {
  name = ALIASES[name] || name;
  if (name === 'value' && isField(el)) serverSet(el, 'value', '');
  else if (name === 'checked' && el instanceof HTMLInputElement) serverSet(el, 'checked', false);
  else if (name === 'selected' && el instanceof HTMLOptionElement) el.selected = false;
  else el.removeAttribute(name);
}

/** All attributes of a model; `type` first, since it decides how an input
 * takes its value. */
export function setAttrs(el: Element, attrs: Record<string, unknown> | undefined): void {
  if (!attrs) return;
  if ('type' in attrs) setAttr(el, 'type', attrs.type);
  for (const name in attrs) if (name !== 'type') setAttr(el, name, attrs[name]);
}
