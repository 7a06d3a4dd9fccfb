// The page as a plain JS tree: what a browser's DOM under the mount element
// would be, built from the server's models (docs/protocol.md, "The model")
// and changed by `patch` operations. No DOM, no HTML: one object per node.
//
//   text node:    {text: 'Buy milk'}
//   element node: {tag: 'li', key: '17', attrs: {class: 'done'},
//                  handlers: {onClick: {id: 'G-AKKQvmeij', flags: 0}},
//                  children: [...], error?: 'message'}
//
// Fragments (tagName "") are transparent: their children take their place,
// as in the browser. A failed component ({tagName: "", error}) becomes a
// <pre class="rc-error"> with the message, as the browser client shows it.
// Every text string stays its own text node (never merged).
//
// Anything that does not fit the protocol — an unknown op, a path that does
// not resolve, an index out of range, a text op on an element — throws a
// ProtocolError: a client that tolerated it would hide a diverged page.

export class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A fresh mount root (the element the page mounts into). */
export function mountRoot() {
  return { tag: '#mount', attrs: {}, handlers: {}, children: [] };
}

/** The handlers of a model's eventHandlers: {name: {id, flags}}. */
function handlersOf(m, where) {
  const out = {};
  if (m.eventHandlers === undefined) return out;
  if (!isObj(m.eventHandlers)) throw new ProtocolError(`${where}: eventHandlers is not an object`);
  for (const [name, h] of Object.entries(m.eventHandlers)) {
    if (!isObj(h) || typeof h.target !== 'string' || !h.target) {
      throw new ProtocolError(`${where}: handler ${name} has no target`);
    }
    out[name] = { id: h.target, flags: (h.preventDefault ? 1 : 0) | (h.stopPropagation ? 2 : 0) };
  }
  return out;
}

/** Nodes for a list of models, fragments spliced (the client's flat()). */
export function buildNodes(models, where = 'model', out = [], stats = null) {
  if (!Array.isArray(models)) throw new ProtocolError(`${where}: children is not an array`);
  for (const m of models) {
    if (typeof m === 'string') {
      out.push({ text: m });
      continue;
    }
    if (!isObj(m) || typeof m.tagName !== 'string') {
      throw new ProtocolError(`${where}: a model is neither a string nor an element: ${JSON.stringify(m)}`);
    }
    if (m.error != null) {
      if (stats) stats.componentErrors.push(String(m.error));
      out.push({ tag: 'pre', attrs: { class: 'rc-error' }, handlers: {}, children: [{ text: String(m.error) }], error: String(m.error) });
      continue;
    }
    if (m.tagName === '') {
      buildNodes(m.children || [], where, out, stats);
      continue;
    }
    const attrs = {};
    if (m.attributes !== undefined) {
      if (!isObj(m.attributes)) throw new ProtocolError(`${where}: attributes of <${m.tagName}> is not an object`);
      Object.assign(attrs, m.attributes);
    }
    const el = { tag: m.tagName, attrs, handlers: handlersOf(m, where), children: [] };
    if (m.key != null) el.key = String(m.key);
    buildNodes(m.children || [], where, el.children, stats);
    out.push(el);
  }
  return out;
}

const isEl = (n) => n && n.children !== undefined;

function checkPath(path) {
  if (!Array.isArray(path) || !path.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new ProtocolError(`bad path ${JSON.stringify(path)}: not an array of child indices`);
  }
}

/** The node at a path of child indices from `root`. */
export function nodeAt(root, path) {
  checkPath(path);
  let n = root;
  for (let k = 0; k < path.length; k++) {
    if (!isEl(n)) throw new ProtocolError(`bad path [${path}]: [${path.slice(0, k)}] is a text node`);
    const c = n.children[path[k]];
    if (!c) {
      throw new ProtocolError(`bad path [${path}]: no child ${path[k]} at [${path.slice(0, k)}] (${n.children.length} children)`);
    }
    n = c;
  }
  return n;
}

function elementAt(root, path, op) {
  const n = nodeAt(root, path);
  if (!isEl(n)) throw new ProtocolError(`op ${op} at [${path}]: the node is a text node, not an element`);
  return n;
}

function checkInt(v, what, op, min, max) {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError(`op ${op}: ${what} ${JSON.stringify(v)} out of range [${min}, ${max}]`);
  }
}

/** Applies one patch's operations in order (the op table of docs/protocol.md). */
export function applyOps(root, ops, stats = null) {
  if (!Array.isArray(ops)) throw new ProtocolError('patch: ops is not an array');
  for (const op of ops) {
    if (!Array.isArray(op) || typeof op[0] !== 'string') throw new ProtocolError(`malformed op ${JSON.stringify(op)}`);
    const [code, path] = op;
    const shown = JSON.stringify(op).slice(0, 200);
    switch (code) {
      case 'a': {
        const el = elementAt(root, path, code);
        if (op.length !== 4 || typeof op[2] !== 'string' || typeof op[3] !== 'string') {
          throw new ProtocolError(`malformed set-attribute op ${shown}`);
        }
        el.attrs[op[2]] = op[3];
        break;
      }
      case 'r': {
        const el = elementAt(root, path, code);
        if (op.length !== 3 || typeof op[2] !== 'string') throw new ProtocolError(`malformed remove-attribute op ${shown}`);
        if (!(op[2] in el.attrs)) throw new ProtocolError(`op ${shown}: <${el.tag}> has no attribute ${op[2]} (diverged page)`);
        delete el.attrs[op[2]];
        break;
      }
      case 't': {
        const n = nodeAt(root, path);
        if (isEl(n)) throw new ProtocolError(`op ${shown}: the node is <${n.tag}>, not a text node`);
        if (op.length !== 3 || typeof op[2] !== 'string') throw new ProtocolError(`malformed set-text op ${shown}`);
        n.text = op[2];
        break;
      }
      case 'h': {
        const el = elementAt(root, path, code);
        if (op.length !== 5 || typeof op[2] !== 'string' || typeof op[3] !== 'string' || !op[3] || !Number.isInteger(op[4])) {
          throw new ProtocolError(`malformed set-handler op ${shown}`);
        }
        el.handlers[op[2]] = { id: op[3], flags: op[4] };
        break;
      }
      case 'x': {
        const el = elementAt(root, path, code);
        if (op.length !== 3 || typeof op[2] !== 'string') throw new ProtocolError(`malformed remove-handler op ${shown}`);
        if (!(op[2] in el.handlers)) throw new ProtocolError(`op ${shown}: <${el.tag}> has no handler ${op[2]} (diverged page)`);
        delete el.handlers[op[2]];
        break;
      }
      case 'i': {
        const el = elementAt(root, path, code);
        if (op.length !== 4) throw new ProtocolError(`malformed insert op ${shown}`);
        checkInt(op[2], 'index', shown, 0, el.children.length);
        el.children.splice(op[2], 0, ...buildNodes(op[3], `op ${code}`, [], stats));
        break;
      }
      case 'd': {
        const el = elementAt(root, path, code);
        if (op.length !== 4) throw new ProtocolError(`malformed remove op ${shown}`);
        checkInt(op[2], 'index', shown, 0, el.children.length);
        checkInt(op[3], 'count', shown, 1, el.children.length - op[2]);
        el.children.splice(op[2], op[3]);
        break;
      }
      case 'm': {
        const el = elementAt(root, path, code);
        if (op.length !== 5) throw new ProtocolError(`malformed move op ${shown}`);
        const len = el.children.length;
        checkInt(op[2], 'index', shown, 0, len);
        checkInt(op[3], 'count', shown, 1, len - op[2]);
        checkInt(op[4], 'before', shown, 0, len);
        const [index, count, before] = [op[2], op[3], op[4]];
        if (before >= index && before <= index + count) break; // already there
        const ref = before < len ? el.children[before] : null; // never among the moved ones
        const moved = el.children.splice(index, count);
        const at = ref ? el.children.indexOf(ref) : el.children.length;
        el.children.splice(at, 0, ...moved);
        break;
      }
      case 'p': {
        const el = elementAt(root, path, code);
        if (op.length !== 5) throw new ProtocolError(`malformed replace op ${shown}`);
        checkInt(op[2], 'index', shown, 0, el.children.length);
        checkInt(op[3], 'count', shown, 0, el.children.length - op[2]);
        el.children.splice(op[2], op[3], ...buildNodes(op[4], `op ${code}`, [], stats));
        break;
      }
      default:
        throw new ProtocolError(`unknown op ${JSON.stringify(code)} in ${shown}`);
    }
  }
}

/** A base-protocol subtree update at a JSON pointer (/children/0/children/1). */
export function applyLayoutUpdate(root, pointer, model, stats = null) {
  const nodes = buildNodes([model], 'layout-update', [], stats);
  if (pointer === '') {
    root.children = nodes;
    return;
  }
  if (typeof pointer !== 'string' || !/^(\/children\/\d+)+$/.test(pointer)) {
    throw new ProtocolError(`layout-update: bad path ${JSON.stringify(pointer)}`);
  }
  const indices = pointer.match(/\d+/g).map(Number);
  const index = indices.pop();
  const parent = nodeAt(root, indices);
  if (!isEl(parent) || !parent.children[index]) throw new ProtocolError(`layout-update: no node at ${pointer}`);
  parent.children.splice(index, 1, ...nodes);
}

// ---- reading the tree ------------------------------------------------------

/** Every element under `root`, depth first, in document order. */
export function* elements(root) {
  for (const c of root.children || []) {
    if (!isEl(c)) continue;
    yield c;
    yield* elements(c);
  }
}

export function byId(root, id) {
  for (const el of elements(root)) if (el.attrs.id === id) return el;
  return null;
}

/** The element's text, as DOM textContent would give it. */
export function textOf(n) {
  if (!n) return null;
  if (!isEl(n)) return n.text;
  return n.children.map(textOf).join('');
}

export const hasClass = (el, name) => String(el.attrs.class || '').split(/\s+/).includes(name);

/** A boolean attribute as the client maps it to a property (checked, selected). */
export const boolAttr = (el, name) => name in el.attrs && el.attrs[name] !== 'false' && el.attrs[name] !== false;

/** Direct child elements matching `pred`. */
export const childElements = (el, pred = () => true) => el.children.filter((c) => isEl(c) && pred(c));

/** The first descendant element matching `pred`. */
export function find(root, pred) {
  for (const el of elements(root)) if (pred(el)) return el;
  return null;
}

/** A comparable copy of a tree (structure, text, attributes, handler ids). */
export function snapshot(n) {
  if (!isEl(n)) return n.text;
  const out = { tag: n.tag };
  if (n.key !== undefined) out.key = n.key;
  if (Object.keys(n.attrs).length) out.attrs = Object.fromEntries(Object.entries(n.attrs).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (Object.keys(n.handlers).length) {
    out.handlers = Object.fromEntries(Object.entries(n.handlers).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  out.children = n.children.map(snapshot);
  return out;
}
