// Building DOM nodes from the server's model.

import { setAttrs } from './attrs';
import { setHandlers } from './events';
import { ElementModel, Model } from './types';

export const HTML = 'http://www.w3.org/1999/xhtml';
const SVG = 'http://www.w3.org/2000/svg';
const MATH = 'http://www.w3.org/1998/Math/MathML';

/** Keys of the elements built from models, for reconciliation. */
export const keys = new WeakMap<Node, string>();

export const keyOf = (m: ElementModel): string | undefined => (m.key == null ? undefined : String(m.key));

/** Namespace of the children of `parent`: SVG and MathML are inherited,
 * except inside foreignObject, whose children are HTML again. */
export function childNs(parent: Node): string {
  const ns = parent instanceof Element ? parent.namespaceURI : null;
  if ((ns === SVG && (parent as Element).localName !== 'foreignObject') || ns === MATH) return ns;
  return HTML;
}

/** Namespace of an element with this tag under a parent whose children are in `ns`. */
export const elementNs = (tag: string, ns: string): string => (tag === 'svg' ? SVG : tag === 'math' ? MATH : ns);

export const isError = (m: ElementModel): boolean => m.error != null;

/** Fragments are transparent: their children take their place. */
export function flat(models: Model[] | undefined, out: Model[] = []): Model[] {
  for (const m of models || []) {
    if (typeof m !== 'string' && m.tagName === '' && !isError(m)) flat(m.children, out);
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
  if (isError(m)) return errorNode(String(m.error));
  const own = elementNs(m.tagName, ns);
  const el = own === HTML ? document.createElement(m.tagName) : document.createElementNS(own, m.tagName);
  const key = keyOf(m);
  if (key !== undefined) keys.set(el, key);
  // Children before attributes: a <select>'s value needs its options.
  appendModels(el, m.children, null);
  setAttrs(el, m.attributes);
  setHandlers(el, m.eventHandlers);
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

/** Inserts the nodes of `models` into `parent` before `ref` (null: at the end). */
export function appendModels(parent: Node, models: Model[] | undefined, ref: Node | null): void {
  const ns = childNs(parent);
  const frag = document.createDocumentFragment();
  for (const m of flat(models)) frag.appendChild(create(m, ns));
  parent.insertBefore(frag, ref);
}
