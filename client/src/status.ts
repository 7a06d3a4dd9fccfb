// The connection state as the page sees it: exactly one class on the mount
// element, DOM events for page scripts, and an indicator. The indicator
// waits before it appears: most outages (a server restart, a blip of wifi)
// last a fraction of a second and a flash at each would only alarm.

import { addStyle } from './notice';

export type State = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'busy' | 'asleep';

const STATES = ['rc-connecting', 'rc-connected', 'rc-reconnecting', 'rc-offline', 'rc-busy', 'rc-asleep'];
const SHOW_AFTER = 500; // ms of outage before the indicator appears

// Only these states are an outage worth showing; asleep is the page's own
// choice and wakes by itself on the next user activity.
const TEXT: Record<string, string> = {
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline: waiting for the network…',
  busy: 'Server busy: trying again soon…',
};

const CSS =
  '.rc-indicator{position:fixed;left:12px;bottom:12px;z-index:2147483647;padding:4px 10px;' +
  'border-radius:12px;background:#323844;color:#fff;font:13px/1.4 system-ui,sans-serif;' +
  'opacity:.9;pointer-events:none}.rc-indicator[hidden]{display:none}';

export interface Status {
  set(state: State): void;
  /** Dispatches `reactc:<name>` on the mount element (it bubbles). */
  fire(name: string, detail?: object): void;
}

export function status(mount: Element): Status {
  let state = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shown = false;
  let own: HTMLElement | null = null; // our default indicator, made on first use

  // The app's own indicator if the page has one, else ours.
  function indicator(): HTMLElement {
    const app = document.querySelector('[data-reactc-indicator]') as HTMLElement | null;
    if (app) return app;
    if (!own) {
      addStyle(CSS);
      own = document.createElement('div');
      own.className = 'rc-indicator';
      own.setAttribute('role', 'status');
      // Outside the mount element: its children are the server's tree.
      document.body.appendChild(own);
    }
    return own;
  }

  function show(): void {
    const el = indicator();
    shown = true;
    el.hidden = false;
    el.setAttribute('data-state', state);
    if (el === own) el.textContent = TEXT[state];
  }

  return {
    set(s) {
      if (s === state) return;
      state = s;
      mount.classList.remove(...STATES);
      mount.classList.add('rc-' + s);
      if (!TEXT[s]) {
        clearTimeout(timer);
        timer = undefined;
        if (shown) indicator().hidden = true;
        shown = false;
      } else if (shown) {
        show(); // the outage goes on in another state: say which
      } else if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          show();
        }, SHOW_AFTER);
      }
    },
    fire(name, detail) {
      mount.dispatchEvent(new CustomEvent('reactc:' + name, { bubbles: true, detail }));
    },
  };
}
