// Making existing DOM match a whole model in place, as after a reconnect:
// nodes are reused position by position when tag and key match, so the
// focused input keeps focus, caret and the user's value.

import { setAttrs } from './attrs';
import { setHandlers } from './events';
import { serverUnset } from './inputs';
import { childNs, create, elementNs, flat, HTML, keyOf, keys, move, props } from './model';
import { CHILDREN, isField, Model, ModelList } from './types';

const ALIASES: Record<string, string> = { className: 'class', htmlFor: 'for' };

/** Makes the children of `parent` match `models` (from index `from`). */
export function reconcileChildren(parent: Node, models: ModelList, from = 0): void {
  const list = flat(models, from);
  const ns = childNs(parent);
  list.forEach((m, i) => {
    let cur = parent.childNodes[i] || null;
    const key = typeof m === 'string' ? undefined : keyOf(m);
    if (cur && key !== undefined && keys.get(cur) !== key) {
      // A keyed element further on moves here rather than being rebuilt.
      for (let n = cur.nextSibling; n; n = n.nextSibling) {
        if (keys.get(n) === key) {
          move(parent, n, cur);
          cur = n;
          break;
        }
      }
    }
    const next = reconcile(cur, m, ns);
    if (!cur) parent.appendChild(next);
    else if (next !== cur) parent.replaceChild(next, cur);
  });
  while (parent.childNodes.length > list.length) parent.removeChild(parent.lastChild as Node);
}

/** Returns `cur` updated to match `m`, or a new node to take its place. */
export function reconcile(cur: Node | null, m: Model, ns: string): Node {
  if (typeof m === 'string') {
    if (!cur || cur.nodeType !== 3) return create(m, ns);
    if (cur.nodeValue !== m) cur.nodeValue = m;
    return cur;
  }
  const p = props(m);
  if (p.e != null) {
    if (!(cur instanceof HTMLPreElement && cur.className === 'rc-error')) return create(m, ns);
    if (cur.textContent !== String(p.e)) cur.textContent = String(p.e);
    return cur;
  }
  const tag = m[0];
  if (
    !(cur instanceof Element) ||
    cur.namespaceURI !== elementNs(tag, ns) ||
    cur.localName.toLowerCase() !== tag.toLowerCase() ||
    keys.get(cur) !== keyOf(m)
  ) {
    return create(m, ns);
  }
  reconcileChildren(cur, m, CHILDREN);
  const attrs = p.a || {};
  // An HTML element's attribute names are lower case (setAttribute and the
  // parser make them so): a model's "DATA-Up" is the DOM's "data-up", which
  // must not be removed here only to be set again below.
  const lower = cur.namespaceURI === HTML;
  const wanted = new Set(Object.keys(attrs).map((n) => (lower ? (ALIASES[n] || n).toLowerCase() : ALIASES[n] || n)));
  // Plain removeAttribute: a stale value="" in the markup must not clear what the user typed.
  for (const a of Array.from(cur.attributes)) if (!wanted.has(a.name)) cur.removeAttribute(a.name);
  setAttrs(cur, attrs);
  if (isField(cur)) {
    // Properties, not attributes: the loop above cannot see them.
    if (!wanted.has('value')) serverUnset(cur, 'value');
    if (!wanted.has('checked')) serverUnset(cur, 'checked');
  }
  setHandlers(cur, p.h);
  return cur;
}
