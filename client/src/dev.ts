// The dev runner's messages (docs/dev.md): under `reactc-dev` the server
// sends {"type":"dev","error":null|{...},"head":...,"head_hash":...} after
// every whole tree and when the build or the running version fails.
//  - An error covers the bottom of the page with what went wrong (file:line,
//    the compiler's message, its output); the page stays live.
//    {"error":null} removes it.
//  - The app's <head> (its CSS) of the version serving: when it differs from
//    the one this page has, it is swapped in, so a style change shows
//    without a reload like any other change.
//  - {"type":"dev-restyle"}: a .css file was saved; stylesheets are fetched
//    again (no build, no reconnect).
// Outside dev mode no such message is ever sent.

import { addCloseButton, addStyle } from './notice';

export interface DevError {
  kind?: string; // "compile" or "crash"
  file?: string;
  line?: number;
  column?: number;
  message?: string;
  output?: string;
}

const CSS =
  '#reactc-dev-overlay{position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;z-index:2147483647;' +
  'margin:0;padding:12px 16px;background:#1e1e1e;color:#eee;border-top:4px solid #e5484d;' +
  'font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.3)}' +
  '#reactc-dev-overlay h2{margin:0 0 6px;font:600 15px/1.4 system-ui,sans-serif;color:#ff8080}' +
  '#reactc-dev-overlay .rc-dev-where{color:#9cdcfe}' +
  '#reactc-dev-overlay pre{margin:8px 0 0;white-space:pre-wrap;color:#ccc}' +
  '#reactc-dev-overlay button{position:absolute;top:8px;right:10px;border:0;background:none;color:#eee;' +
  'font:18px/1 system-ui;cursor:pointer}';

let styled = false;

const TITLES: Record<string, string> = {
  compile: 'Build failed: still running the previous version',
  crash: 'The new version crashed: running the previous version',
};

export function devStatus(error: DevError | null): void {
  const old = document.getElementById('reactc-dev-overlay');
  if (old) old.remove();
  if (!error || typeof error !== 'object') return;
  if (!styled) {
    addStyle(CSS);
    styled = true;
  }
  const box = document.createElement('div');
  box.id = 'reactc-dev-overlay';
  box.setAttribute('role', 'alert');
  const h = document.createElement('h2');
  h.textContent = TITLES[String(error.kind)] || 'Build problem';
  box.appendChild(h);
  if (error.file) {
    const where = document.createElement('div');
    where.className = 'rc-dev-where';
    where.textContent = error.file + (error.line ? ':' + error.line + (error.column ? ':' + error.column : '') : '');
    box.appendChild(where);
  }
  if (error.message) {
    const m = document.createElement('div');
    m.className = 'rc-dev-message';
    m.textContent = error.message;
    box.appendChild(m);
  }
  if (error.output) {
    const pre = document.createElement('pre');
    pre.textContent = error.output;
    box.appendChild(pre);
  }
  // Hidden until the next status: the error itself stays until fixed.
  addCloseButton(box, 'Hide');
  document.body.appendChild(box);
}

/** Replaces the app's part of <head> (between the server's markers) when
 * the version now serving has another one. Scripts in it do not run again. */
export function devHead(head: unknown, hash: unknown): void {
  if (typeof head !== 'string' || typeof hash !== 'string') return;
  const meta = document.querySelector('meta[name="reactc-head"]');
  if (!meta || meta.getAttribute('content') === hash) return;
  let start: Node | null = null;
  let end: Node | null = null;
  for (const n of Array.from(document.head.childNodes)) {
    if (n.nodeType !== Node.COMMENT_NODE) continue;
    if ((n as Comment).data === 'reactc-head') start = n;
    else if ((n as Comment).data === '/reactc-head') end = n;
  }
  if (!start || !end) return;
  while (start.nextSibling && start.nextSibling !== end) start.nextSibling.remove();
  // A contextual fragment, not a <template>: nodes parsed in a template's
  // inert document did not apply stylesheets re-linked from them later.
  const range = document.createRange();
  range.selectNodeContents(document.head);
  document.head.insertBefore(range.createContextualFragment(head), end);
  meta.setAttribute('content', hash);
}

/** A stylesheet changed on disk (the dev runner saw a .css file saved):
 * every same-origin <link rel=stylesheet> is fetched again. The new link
 * goes in next to the old one, which goes once the new one has loaded, so
 * the page never shows unstyled. */
export function devRestyle(): void {
  const links = Array.from(document.querySelectorAll('link[rel="stylesheet"]')) as HTMLLinkElement[];
  for (const old of links) {
    const url = new URL(old.href, location.href);
    if (url.origin !== location.origin) continue;
    url.searchParams.set('rc-dev', String(Date.now()));
    const link = document.createElement('link');
    for (const a of Array.from(old.attributes)) link.setAttribute(a.name, a.value);
    link.href = url.href;
    link.onload = link.onerror = () => old.remove();
    old.after(link);
  }
}
