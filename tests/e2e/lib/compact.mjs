// The compact model of docs/protocol.md ("The compact model"), written
// from its text and independent of the server's and the client's code:
// toCompact turns a VDOM JSON model into it (so tests can write trees in
// the readable form and still speak what the client asked for), fromCompact
// turns one back (so a test can compare what the server sent in both forms).

/** VDOM JSON -> compact. Strings and models already compact pass as they are. */
export function toCompact(m) {
  if (typeof m === 'string' || Array.isArray(m)) return m;
  if (m.error != null) return ['', { e: m.error }];
  const props = {};
  if (m.key != null) props.k = m.key;
  if (m.attributes && Object.keys(m.attributes).length) props.a = m.attributes;
  if (m.eventHandlers && Object.keys(m.eventHandlers).length) {
    props.h = {};
    for (const [name, h] of Object.entries(m.eventHandlers)) {
      const flags = (h.preventDefault ? 1 : 0) | (h.stopPropagation ? 2 : 0);
      props.h[name] = flags ? [h.target, flags] : h.target;
    }
  }
  return [m.tagName, Object.keys(props).length ? props : 0, ...(m.children || []).map(toCompact)];
}

/** Compact -> VDOM JSON as the server writes it for the reactc protocol
 * (members in the order tagName, key, attributes, eventHandlers, children;
 * each only when present; both flags always written). */
export function fromCompact(m) {
  if (typeof m === 'string') return m;
  if (!Array.isArray(m) || typeof m[0] !== 'string') throw new Error('not a compact model: ' + JSON.stringify(m));
  const p = m[1];
  if (p !== 0 && (typeof p !== 'object' || p === null || Array.isArray(p))) throw new Error('bad props: ' + JSON.stringify(m));
  if (p && p.e != null) {
    if (m.length !== 2) throw new Error('an error with children');
    return { tagName: '', error: p.e };
  }
  const out = { tagName: m[0] };
  if (p && p.k != null) out.key = p.k;
  if (p && p.a) out.attributes = p.a;
  if (p && p.h) {
    out.eventHandlers = {};
    for (const [name, h] of Object.entries(p.h)) {
      const [target, flags] = typeof h === 'string' ? [h, 0] : h;
      out.eventHandlers[name] = { target, preventDefault: !!(flags & 1), stopPropagation: !!(flags & 2) };
    }
  }
  if (m.length > 2) out.children = m.slice(2).map(fromCompact);
  return out;
}

/** A server message with its models (a layout-update's, insert and replace
 * ops') turned to the compact form. */
export function compactMessage(msg) {
  const out = { ...msg };
  if (out.model) out.model = toCompact(out.model);
  if (out.ops) {
    out.ops = out.ops.map((op) => {
      const at = op[0] === 'i' ? 3 : op[0] === 'p' ? 4 : -1;
      if (at < 0 || !Array.isArray(op[at])) return op;
      const copy = op.slice();
      copy[at] = op[at].map(toCompact);
      return copy;
    });
  }
  return out;
}
