// Building DOM nodes from the server's model.

import { setAttrs } from './attrs';
import { setHandlers } from './events';
import { CHILDREN, ElementModel, Model, ModelList, Props } from './types';

export const HTML = 'http://www.w3.org/1999/xhtml';
const SVG = 'http://www.w3.org/2000/svg';
const MATH = 'http://www.w3.org/1998/Math/MathML';

/** Keys of the elements built from models, for reconciliation. */
export const keys = new WeakMap<Node, string>();

const NONE: Props = {};
/** An element's props ({} for the 0 of an element without any). */
export const props = (m: ElementModel): Props => m[1] || NONE;

export const keyOf = (m: ElementModel): string | undefined => {
  const k = props(m).k;
  return k == null ? undefined : String(k);
};

/** Namespace of the children of `parent`: SVG and MathML are inherited,
 * except inside foreignObject, whose children are HTML again. */
export function childNs(parent: Node): string {
  const ns = parent instanceof Element ? parent.namespaceURI : null;
  if ((ns === SVG && (parent as Element).localName !== 'foreignObject') || ns === MATH) return ns;
  return HTML;
}

/** Namespace of an element with this tag under a parent whose children are in `ns`. */
export const elementNs = (tag: string, ns: string): string => (tag === 'svg' ? SVG : tag === 'math' ? MATH : ns);

export const isError = (m: ElementModel): boolean => props(m).e != null;

/** Fragments are transparent: their children take their place. `models`
 * from index `from` on (CHILDREN for an element's children). */
export function flat(models: ModelList, from = 0, out: Model[] = []): Model[] {
  for (let i = from; i < models.length; i++) {
    const m = models[i] as Model;
    if (typeof m !== 'string' && m[0] === '' && !isError(m)) flat(m, CHILDREN, out);
    else out.push(m);
  }
  return out;
}

/** A failed component shows its message. */
export function errorNode(message: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'rc-error';
  pre.textContent = message;
  return pre;
}

/** A node for a (non-fragment) model; `ns` is the namespace of its parent's children. */
export function create(m: Model, ns: string): Node {
  if (typeof m === 'string') return document.createTextNode(m);
  const p = props(m);
  if (p.e != null) return errorNode(String(p.e));
  const tag = m[0];
  const own = elementNs(tag, ns);
  const el = own === HTML ? document.createElement(tag) : document.createElementNS(own, tag);
  if (p.k != null) keys.set(el, String(p.k));
  // Children before attributes: a <select>'s value needs its options.
  // Straight into the new element: it is not in the document yet, so no
  // fragment is needed to insert them at once.
  addModels(el, m, CHILDREN, childNs(el));
  setAttrs(el, p.a);
  setHandlers(el, p.h);
  return el;
}

/** Moves `node` before `ref` within `parent`. moveBefore, where the browser
 * has it, keeps focus, selection and iframe state; insertBefore loses focus. */
export function move(parent: Node, node: Node, ref: Node | null): void {
  const p = parent as Node & { moveBefore?: (n: Node, r: Node | null) => void };
  if (p.moveBefore) {
    try {
      return p.moveBefore(node, ref);
    } catch (e) {
      // e.g. a disconnected subtree: fall back
    }
  }
  parent.insertBefore(node, ref);
}

/** Inserts the nodes of `models` (from index `from`) into `parent` before
 * `ref` (null: at the end). */
export function appendModels(parent: Node, models: ModelList, ref: Node | null, from = 0): void {
  const frag = document.createDocumentFragment();
  addModels(frag, models, from, childNs(parent));
  parent.insertBefore(frag, ref);
}

/** Appends the nodes of `models` (from index `from`, fragments spliced)
 * to `parent`, in namespace `ns`: flat() without its array. */
function addModels(parent: Node, models: ModelList, from: number, ns: string): void {
  for (let i = from; i < models.length; i++) {
    const m = models[i] as Model;
    if (typeof m !== 'string' && m[0] === '' && !isError(m)) addModels(parent, m, CHILDREN, ns);
    else parent.appendChild(create(m, ns));
  }
}
