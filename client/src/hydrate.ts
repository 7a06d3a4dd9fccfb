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
  /** Applies the first whole tree with `apply`, keeping what the user put
   * into server-rendered fields before it (sent as their input events),
   * then shows the page. Later trees just apply. */
  first(apply: () => void): void;
  /** The status, wrapped: a connection that fails shows the page as it is. */
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

type Typed = [Field, 'value' | 'checked', string | boolean];

/** The fields whose value the user changed since the page was parsed. */
function typed(mount: Element): Typed[] {
  const out: Typed[] = [];
  mount.querySelectorAll('input,textarea,select').forEach((el) => {
    if (!isField(el)) return;
    if (el instanceof HTMLInputElement && /^(checkbox|radio)$/.test(el.type)) {
      if (el.checked !== el.defaultChecked) out.push([el, 'checked', el.checked]);
    } else if (el instanceof HTMLSelectElement) {
      const def = Array.from(el.options).findIndex((o) => o.defaultSelected);
      if (el.selectedIndex !== Math.max(def, el.options.length ? 0 : -1)) out.push([el, 'value', el.value]);
    } else if (el.value !== el.defaultValue) out.push([el, 'value', el.value]);
  });
  return out;
}

export function hydrate(mount: Element): Hydration {
  if (mount.firstChild) walk(mount);
  let done = false;
  return {
    first(apply) {
      if (done) return apply();
      done = true;
      const kept = typed(mount);
      try {
        apply();
      } finally {
        reveal();
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
    },
    status(s) {
      return {
        set(state: State) {
          if (state === 'reconnecting' || state === 'offline' || state === 'asleep') reveal();
          s.set(state);
        },
        fire: (name, detail) => s.fire(name, detail),
      };
    },
  };
}
