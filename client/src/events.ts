// Event handlers. Each element keeps its handlers (React names such as
// onClick); the mount element has one delegated listener per DOM event type,
// added when a handler first needs it, which finds the handlers and sends
// the events to the server.

import { serialize } from './serialize';
import { userSent } from './inputs';
import { Handler, HandlerModel, isField } from './types';

type Handlers = Record<string, Handler>;
/** Sends one event to the server; returns its seq. */
export type Sender = (target: string, data: unknown[]) => number;

const handlers = new WeakMap<Element, Handlers>();
const listening = new Set<string>();
// These do not bubble: listen in the capture phase and fire only the
// handlers of the element the event is for.
const EXACT =
  /^(focus|blur|mouseenter|mouseleave|pointerenter|pointerleave|scroll|load|error|toggle|invalid|play|pause|ended|timeupdate|volumechange)$/;

let root: Element;
let send: Sender;

export function listen(mount: Element, sender: Sender): void {
  root = mount;
  send = sender;
}

/** The DOM event type a handler name listens to on `el`. */
function domType(name: string, el: Element): string {
  if (!/^on[A-Z_]/.test(name)) return name; // already a DOM name
  const t = name.slice(2).replace(/_/g, '').toLowerCase(); // onKeyDown, on_key_down -> keydown
  if (t === 'doubleclick') return 'dblclick';
  // React's onChange fires per keystroke on text-like fields.
  if (t === 'change' && textLike(el)) return 'input';
  return t;
}

function textLike(el: Element): boolean {
  return el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLInputElement && !/^(checkbox|radio|file)$/.test(el.type));
}

function need(type: string): void {
  if (listening.has(type)) return;
  listening.add(type);
  root.addEventListener(type, onEvent, EXACT.test(type));
}

export function setHandler(el: Element, name: string, h: Handler): void {
  let hs = handlers.get(el);
  if (!hs) handlers.set(el, (hs = {}));
  hs[name] = h;
  const type = domType(name, el);
  need(type);
  // onChange is input or change by the field's type, which a later patch
  // may change: have both listeners.
  if (type === 'input' || type === 'change') {
    need('input');
    need('change');
  }
}

export function removeHandler(el: Element, name: string): void {
  const hs = handlers.get(el);
  if (hs) delete hs[name];
}

/** Replaces all handlers of `el` with those of a model. */
export function setHandlers(el: Element, models: Record<string, HandlerModel> | undefined): void {
  handlers.delete(el);
  for (const name in models) {
    const m = models[name];
    setHandler(el, name, typeof m === 'string' ? { id: m, flags: 0 } : { id: m[0], flags: m[1] | 0 });
  }
}

function onEvent(ev: Event): void {
  const exact = EXACT.test(ev.type);
  let node = ev.target as Node | null;
  if (node && node.nodeType !== 1) node = node.parentNode; // a text node
  let seq = 0;
  // Bubble from the target up to (not including) the mount element.
  for (; node && node !== root; node = exact ? null : node.parentNode) {
    const el = node as Element;
    const hs = handlers.get(el);
    if (!hs) continue;
    let stop = false;
    for (const name in hs) {
      if (domType(name, el) !== ev.type) continue;
      const h = hs[name];
      if (h.flags & 1) ev.preventDefault();
      if (h.flags & 2) stop = true;
      seq = send(h.id, [serialize(ev, el)]);
    }
    if (stop) {
      ev.stopPropagation();
      break;
    }
  }
  // The user's value now waits for the server to acknowledge this event.
  const t = ev.target;
  if (seq && (ev.type === 'input' || ev.type === 'change') && isField(t)) userSent(t, seq);
}
