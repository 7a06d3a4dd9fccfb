// Applying server messages to the DOM: the ops of a `patch` and the
// subtrees of a `layout-update`.

import { removeAttr, setAttr } from './attrs';
import { removeHandler, setHandler } from './events';
import { appendModels, childNs, flat, move } from './model';
import { reconcile, reconcileChildren } from './reconcile';
import { Model, Op } from './types';

/** The node at a path of DOM child indices from `root`. */
export function nodeAt(root: Node, path: number[]): Node {
  let n = root;
  for (const i of path) {
    const c = n.childNodes[i];
    if (!c) throw new Error('reactc: no node at [' + path.join(',') + ']');
    n = c;
  }
  return n;
}

function removeChildren(parent: Node, index: number, count: number): void {
  for (let k = 0; k < count; k++) {
    const c = parent.childNodes[index];
    if (!c) break;
    parent.removeChild(c);
  }
}

/** Moves `count` children from `index` to before child `before`, both
 * counted before the move (`before` = child count: to the end). */
function moveChildren(parent: Node, index: number, count: number, before: number): void {
  if (before >= index && before <= index + count) return; // already there
  const kids = Array.from(parent.childNodes);
  const ref = kids[before] || null; // not among the moved nodes, so it stays put
  for (const n of kids.slice(index, index + count)) move(parent, n, ref);
}

export function applyOps(root: Element, ops: Op[]): void {
  for (const op of ops) {
    const n = nodeAt(root, op[1]);
    const el = n as Element;
    switch (op[0]) {
      case 'a': setAttr(el, op[2], op[3]); break;
      case 'r': removeAttr(el, op[2]); break;
      case 't': if (n.nodeValue !== op[2]) n.nodeValue = op[2]; break;
      case 'h': setHandler(el, op[2], { id: op[3], flags: op[4] | 0 }); break;
      case 'x': removeHandler(el, op[2]); break;
      case 'i': appendModels(n, op[3] || [], n.childNodes[op[2]] || null); break;
      case 'd': removeChildren(n, op[2], op[3]); break;
      case 'm': moveChildren(n, op[2], op[3], op[4]); break;
      case 'p': {
        const ref = n.childNodes[op[2] + op[3]] || null;
        removeChildren(n, op[2], op[3]);
        appendModels(n, op[4] || [], ref);
        break;
      }
      default: throw new Error('reactc: unknown op ' + op[0]);
    }
  }
}

/** A layout-update: path "" is the whole tree under the mount element,
 * reconciled in place; "/children/0/children/1" is one subtree. */
export function update(root: Element, path: string, model: Model): void {
  if (!path) {
    reconcileChildren(root, [model]); // the root fragment's children
    return;
  }
  const indices = (path.match(/\d+/g) || []).map(Number);
  const index = indices.pop() as number;
  const parent = nodeAt(root, indices);
  const cur = parent.childNodes[index];
  if (!cur) throw new Error('reactc: no node at ' + path);
  const list = flat([model]);
  if (list.length === 1) {
    // In place, like the root: focus and caret survive.
    const next = reconcile(cur, list[0], childNs(parent));
    if (next !== cur) parent.replaceChild(next, cur);
  } else {
    appendModels(parent, list, cur);
    parent.removeChild(cur);
  }
}
