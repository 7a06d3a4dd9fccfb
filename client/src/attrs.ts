// Attributes from the model or from "a"/"r" ops. Most are plain
// setAttribute; the live state of form fields goes through properties.
// Every path that sets an attribute (a model built or reconciled, an "a"
// op) comes through setAttr, so its safety check is the only one needed.

import { serverSet } from './inputs';
import { isField } from './types';

// React spellings, in case a server sends the base protocol's names.
const ALIASES: Record<string, string> = { className: 'class', htmlFor: 'for' };

// Boolean attributes sent as strings: present means true, except "false".
const truthy = (v: unknown): boolean => v !== false && v !== 'false';

// Attributes whose value is a URL the browser navigates to, loads or
// submits to (the HTML spec's index of attributes, SVG's href, React's
// list); names compared in lower case. srcset, ping, itemid and itemtype
// are URLs too but are never run as script: left alone.
const URL_ATTR = /^(href|xlink:href|src|action|formaction|data|poster|cite|background|codebase|manifest|longdesc)$/;
const SAFE_SCHEME = /^(https?|mailto|tel):$/;

/** Whether a value may not be set, as React does: an on* name would turn a
 * string into code (handlers come only through eventHandlers and "h" ops),
 * and a URL attribute takes only http:, https:, mailto:, tel: or a relative
 * URL. The scheme is the one the browser's own URL parser finds (it drops
 * leading controls and spaces and the tabs and newlines inside, ignores
 * case); a value it cannot parse is refused too. */
function refused(name: string, value: string): string | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('on')) return 'an on* attribute (handlers come only as eventHandlers)';
  if (!URL_ATTR.test(n)) return;
  try {
    if (SAFE_SCHEME.test(new URL(value, document.baseURI).protocol)) return;
  } catch (e) {
    // not a URL
  }
  return 'a URL that is not http:, https:, mailto:, tel: or relative';
}

let warned = '';

export function setAttr(el: Element, name: string, value: unknown): void {
  name = ALIASES[name] || name;
  const why = refused(name, String(value));
  if (why) {
    // Not set, and an earlier safe value goes too: the element must not
    // keep a link the server no longer shows. Warned once per kind.
    el.removeAttribute(name);
    if (!warned.includes(why)) console.warn('reactc: refused ' + name + ': ' + (warned += why, why));
    return;
  }
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
