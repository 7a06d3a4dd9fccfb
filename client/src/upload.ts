// File inputs the server offers an upload for (rc_use_upload renders
// data-reactc-upload="URL"; docs/guide/uploads.md): a chosen file is POSTed
// to that URL as its raw bytes, beside the socket, so the session's events
// never wait behind it. The browser's own progress reaches the page as DOM
// events on the input; the server's (what the app re-renders) comes as
// patches like any other.
//
//   reactc:upload-progress  detail {loaded, total}
//   reactc:upload-done      detail {status, text}   (200: every byte taken)
//   reactc:upload-cancel    dispatched BY the page on the input (bubbling): aborts it
//
// One upload per input at a time: a new choice aborts the running one.

const running = new WeakMap<HTMLInputElement, XMLHttpRequest>();

function fire(input: HTMLInputElement, type: string, detail: object): void {
  input.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
}

function send(input: HTMLInputElement, url: string, file: File): void {
  running.get(input)?.abort();
  const xhr = new XMLHttpRequest();
  running.set(input, xhr);
  xhr.open('POST', url + '&name=' + encodeURIComponent(file.name));
  xhr.upload.onprogress = (e) => fire(input, 'reactc:upload-progress', { loaded: e.loaded, total: e.total });
  const end = (status: number | string) => {
    if (running.get(input) === xhr) running.delete(input);
    fire(input, 'reactc:upload-done', { status, text: xhr.responseText || '' });
  };
  xhr.onload = () => end(xhr.status);
  xhr.onabort = () => end('abort');
  xhr.onerror = () => end('error');
  xhr.send(file);
}

export function watchUploads(mount: Element): void {
  mount.addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const url = input && input.type === 'file' && input.getAttribute('data-reactc-upload');
    if (url && input.files && input.files[0]) send(input, url, input.files[0]);
  });
  mount.addEventListener('reactc:upload-cancel', (e) => running.get(e.target as HTMLInputElement)?.abort());
}
