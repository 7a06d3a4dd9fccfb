// A small dismissable message for the user, placed just before the mount
// element (its children belong to the server's tree). Class rc-notice: the
// default style is inserted first in <head>, so any page rule wins, and
// `.rc-notice{display:none}` hides it.

const CSS =
  '.rc-notice{margin:8px;padding:6px 10px;border:1px solid #e0b252;border-radius:6px;' +
  'background:#fff8e1;color:#333;font:14px/1.4 system-ui,sans-serif}' +
  '.rc-notice button{margin-left:8px;border:0;background:none;font:inherit;cursor:pointer}';

let styled = false;
let shown: HTMLElement | null = null;

/** Adds our default CSS first in <head>, so any page rule wins over it. */
export function addStyle(css: string): void {
  if (!document.head) return;
  const style = document.createElement('style');
  style.textContent = css;
  document.head.insertBefore(style, document.head.firstChild);
}

/** Appends a × button that removes `box`. */
export function addCloseButton(box: HTMLElement, label: string): void {
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', label);
  close.onclick = () => box.remove();
  box.appendChild(close);
}

export function notice(mount: Element, text: string): void {
  if (!styled) {
    addStyle(CSS);
    styled = true;
  }
  if (shown) shown.remove(); // one at a time
  const box = (shown = document.createElement('div'));
  box.className = 'rc-notice';
  box.setAttribute('role', 'status');
  box.textContent = text;
  addCloseButton(box, 'Dismiss');
  if (mount.parentNode) mount.parentNode.insertBefore(box, mount);
}
