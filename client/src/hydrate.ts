// Taking over the server-rendered first paint (docs/guide/first-paint.md,
// docs/protocol.md "Hydration markers"). The page's HTML carries the
// first render; an HTML parser cannot be told everything the model says,
// so the server wrote markers, undone here once at boot, before the
// first tree: then that tree's reconcile (reconcile.ts) finds the DOM it
// would have built, node for node, keeps every node and only attaches
// handlers.
//  - data-reactc-key="k": the element's key, which reconcile looks up in
//    model.ts's `keys` (filled only by create() otherwise);
//  - <!--,-->: a separator between two texts the parser would merge;
//  - <!---->: an empty text, which the parser would drop;
//  - <tbody data-reactc-tbody>: rows the model puts straight in a table,
//    where the parser would have put them in a tbody of its own.

import { keys } from './model';
import { State, Status } from './status';
import { Field, isField } from './types';

export interface Hydration {
  /** Applies the first whole tree with `apply`, keeping what the user did
   * to the server-rendered page before it (values typed, clicks: sent as
   * the events they would have been), then shows the page. Later trees
   * just apply. */
  first(apply: () => void): void;
  /** The status, wrapped: a connection that fails shows the page as it is,
   * and on a server-rendered page `connected` waits for the first tree
   * (until then the page shows the server's HTML without its handlers). */
  status(s: Status): Status;
}

const MARK = 'rc-resuming'; // set by the page's head script (src/server/page_render.c)

function reveal(): void {
  document.documentElement.classList.remove(MARK);
}

function walk(parent: Node): void {
  let n = parent.firstChild;
  while (n) {
    const next = n.nextSibling;
    if (n.nodeType === 8) {
      const data = (n as Comment).data;
      if (data === ',') parent.removeChild(n);
      else if (data === '') parent.replaceChild(document.createTextNode(''), n);
    } else if (n instanceof Element) {
      const key = n.getAttribute('data-reactc-key');
      if (key !== null) {
        keys.set(n, key);
        n.removeAttribute('data-reactc-key');
      }
      walk(n);
      if (n.hasAttribute('data-reactc-tbody') && parent instanceof HTMLTableElement) {
        while (n.firstChild) parent.insertBefore(n.firstChild, n);
        parent.removeChild(n);
      }
    }
    n = next;
  }
}

/** Whether the user chose other options of a select than its markup's:
 * those marked selected (of several, a parser keeps the last, in a select
 * of one choice), else the first that is not disabled (the HTML standard's
 * selectedness setting). */
function chosen(s: HTMLSelectElement): boolean {
  const opts = Array.from(s.options);
  if (s.multiple) return opts.some((o) => o.selected !== o.defaultSelected);
  let def = -1;
  opts.forEach((o, i) => {
    if (o.defaultSelected) def = i;
  });
  if (def < 0 && s.size <= 1) def = opts.findIndex((o) => !o.disabled);
  return s.selectedIndex !== def;
}

/** The value a field shows when nobody typed in it: its markup's, as the
 * browser reads it (not defaultValue itself: a textarea's CR reads as LF,
 * an input drops line breaks...), from a fresh element with the same
 * markup. */
function untouched(el: HTMLInputElement | HTMLTextAreaElement): string {
  const fresh = document.createElement(el.localName) as HTMLInputElement | HTMLTextAreaElement;
  if (el instanceof HTMLTextAreaElement) fresh.textContent = el.defaultValue;
  else for (const a of Array.from(el.attributes)) fresh.setAttribute(a.name, a.value);
  return fresh.value;
}

type Typed = [Field, 'value' | 'checked', string | boolean];

/** The fields whose value the user changed since the page was parsed. */
function typed(mount: Element): Typed[] {
  const out: Typed[] = [];
  mount.querySelectorAll('input,textarea,select').forEach((el) => {
    if (!isField(el)) return;
    if (el instanceof HTMLInputElement && /^(checkbox|radio)$/.test(el.type)) {
      if (el.checked !== el.defaultChecked) out.push([el, 'checked', el.checked]);
    } else if (el instanceof HTMLSelectElement) {
      if (chosen(el)) out.push([el, 'value', el.value]);
    } else if (el.value !== untouched(el)) out.push([el, 'value', el.value]);
  });
  return out;
}

/** Replays the clicks and submits made on the server's HTML before the
 * client took over, now that handlers are attached. A submit was stopped
 * (the page would have left for the form's action); a click's default
 * action already happened, so fields (their values go with `typed`) and
 * links (a link followed has left the page) are not clicked again, and a
 * submit caused by a replayed click is not submitted twice. */
function replay(early: Event[]): void {
  const clicked = new Set<EventTarget>();
  for (const e of early) {
    const t = e.target;
    if (!(t instanceof Element) || !t.isConnected) continue;
    if (e.type === 'click') {
      if (isField(t) || t.closest('a[href]')) continue;
      clicked.add(t);
      t.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    } else if (t instanceof HTMLFormElement) {
      const by = (e as SubmitEvent).submitter;
      if (!by || !clicked.has(by)) t.requestSubmit();
    }
  }
}

/** The server wrote the fields' values as attributes (the only way HTML
 * can say them); the client keeps them as properties only. Once the first
 * tree has set the properties, the attributes go, so that the DOM is the
 * one the client would have built (a stale value="" is no default to come
 * back to). */
function dropFieldAttributes(mount: Element): void {
  mount.querySelectorAll('input[value],textarea[value],select[value],input[checked],option[selected]').forEach((el) => {
    if (el instanceof HTMLOptionElement) {
      const on = el.selected;
      el.removeAttribute('selected');
      el.selected = on;
    } else if (isField(el)) {
      const v = el.value;
      const on = el instanceof HTMLInputElement && el.checked;
      el.removeAttribute('value');
      el.removeAttribute('checked');
      if (el.value !== v) el.value = v;
      if (el instanceof HTMLInputElement && el.checked !== on) el.checked = on;
    }
  });
}

interface Early {
  q: Event[];
  k: (e: Event) => void;
}

export function hydrate(mount: Element): Hydration {
  const rendered = !!mount.firstChild;
  if (rendered) walk(mount);
  let done = false;
  let inner: Status | null = null;
  let held = false; // a `connected` waiting for the first tree
  // Clicks and submits on the server's HTML before the first tree: kept by
  // the page's head script from the start (src/server/page_render.c), or,
  // where a policy blocked it, from here on.
  const doc = document as Document & { __rcEarly?: Early };
  const early: Early = doc.__rcEarly || {
    q: [],
    k(e: Event) {
      if (e.type === 'submit') e.preventDefault();
      early.q.push(e);
    },
  };
  const target: EventTarget = doc.__rcEarly ? document : mount;
  if (rendered && !doc.__rcEarly) {
    mount.addEventListener('click', early.k, true);
    mount.addEventListener('submit', early.k, true);
  }
  const unlisten = (): void => {
    target.removeEventListener('click', early.k, true);
    target.removeEventListener('submit', early.k, true);
  };
  if (!rendered) unlisten();
  return {
    first(apply) {
      if (done) return apply();
      done = true;
      unlisten();
      const kept = typed(mount);
      try {
        apply();
        dropFieldAttributes(mount);
      } finally {
        reveal();
        if (held && inner) inner.set('connected');
        held = false;
      }
      // The first tree said the server's values; the user's come after,
      // as the events they would have been had the client been there.
      for (const [el, prop, v] of kept) {
        if (!el.isConnected) continue;
        if (prop === 'checked') (el as HTMLInputElement).checked = v as boolean;
        else el.value = v as string;
        const text = !(el instanceof HTMLSelectElement) && prop === 'value';
        el.dispatchEvent(new Event(text ? 'input' : 'change', { bubbles: true }));
      }
      replay(early.q.splice(0).filter((e) => e.target instanceof Node && mount.contains(e.target)));
    },
    status(s) {
      inner = s;
      return {
        set(state: State) {
          if (state === 'reconnecting' || state === 'offline' || state === 'asleep') reveal();
          held = state === 'connected' && rendered && !done;
          if (!held) s.set(state);
        },
        fire: (name, detail) => s.fire(name, detail),
      };
    },
  };
}
