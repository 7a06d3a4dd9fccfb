// Routing in the browser (docs/guide/routing.md): clicks on the app's links
// (a[data-reactc-link]) and Back/Forward become "@location" events, which
// the connection numbers, queues offline and replays once like any other;
// the server's navigations (a patch's `navigate`, a first tree's
// `location`) move the address bar.

import { Connection } from './connection';
import { Saved } from './store';

const here = () => location.pathname + location.search;

/** Starts routing on the mount; returns the hook for server messages. */
export function route(mount: Element, conn: Connection, saved: Saved): (msg: any) => void {
  // The pathname and search the page shows: a hash-only change is no
  // navigation.
  let shown = here();
  const tell = () => {
    if (here() === shown) return;
    shown = here();
    conn.send('@location', [{ pathname: location.pathname, search: location.search }]);
  };
  // A tab that resumes at another URL than the one its session last showed
  // (a typed URL, a deep link opened in the tab) goes there: queued now, the
  // event rides in the resume hello, ahead of the first tree. Without it the
  // session's own location wins, so a navigation made while the page was
  // away is not undone.
  if (saved.session && saved.location !== shown) {
    shown = '';
    tell();
  }

  mount.addEventListener('click', (e) => {
    const ev = e as MouseEvent;
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = ev.target instanceof Element ? ev.target.closest('a[data-reactc-link]') : null;
    if (!(a instanceof HTMLAnchorElement) || !mount.contains(a)) return;
    const target = a.getAttribute('target');
    if ((target && target !== '_self') || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    ev.preventDefault();
    // Following a link to the page it is on adds no entry, as a load would not.
    const replace = a.getAttribute('data-reactc-link') === 'replace' || url.href === location.href;
    if (replace) history.replaceState(history.state, '', url.href);
    else history.pushState(null, '', url.href);
    if (!replace && !url.hash) window.scrollTo(0, 0);
    tell();
  });
  window.addEventListener('popstate', tell);

  const go = (to: any, push: boolean) => {
    const { pathname, search } = to || {};
    // Only same-origin paths: the server checks, and so do we.
    if (typeof pathname !== 'string' || !/^\/(?![/\\])/.test(pathname)) return;
    const url = pathname + (typeof search === 'string' ? search : '');
    if (url !== here()) {
      try {
        history[push ? 'pushState' : 'replaceState'](null, '', url + location.hash);
      } catch (e) {
        return console.error('reactc: navigation refused', e);
      }
      if (push) window.scrollTo(0, 0);
    }
    shown = here();
  };
  return (msg) => {
    if (msg.navigate) go(msg.navigate, !msg.navigate.replace);
    else if (msg.type === 'layout-update' && !msg.path && msg.location) go(msg.location, false);
  };
}
