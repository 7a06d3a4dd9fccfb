// Where the session survives a page reload: what a resume needs (session id
// and its secret, state token, event numbering and the events the server
// has not acknowledged). sessionStorage by default, so a reload in the same tab
// resumes; data-reactc-storage="memory|session|local" on the mount element
// chooses.

/** An event kept until acknowledged: its seq and the message as sent. */
export type Pending = [number, string];

export interface Saved {
  session?: string;
  secret?: string; // the session's proof of possession: re-attach needs it
  token?: string;
  seq: number;
  events: Pending[];
  location?: string; // pathname + search the page showed when saved (router.ts)
}

export interface Store {
  load(): Saved;
  save(s: Saved): void;
}

export function openStore(mount: Element): Store {
  const kind = mount.getAttribute('data-reactc-storage');
  // By host and mount id: two apps on one origin keep separate sessions.
  const key = 'reactc:' + location.host + '#' + mount.id;
  let area: Storage | null = null;
  try {
    if (kind !== 'memory') area = kind === 'local' ? localStorage : sessionStorage;
  } catch (e) {
    // storage disabled (privacy settings, sandboxed frame): memory only
  }
  return {
    load() {
      try {
        const s = JSON.parse((area && area.getItem(key)) || '{}');
        // Our own format, but the user can edit it: check the shapes.
        if (typeof s.session === 'string') {
          return {
            session: s.session,
            secret: typeof s.secret === 'string' ? s.secret : undefined,
            token: typeof s.token === 'string' ? s.token : undefined,
            seq: typeof s.seq === 'number' ? s.seq : 0,
            events: (Array.isArray(s.events) ? s.events : []).filter(
              (e: unknown) => Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'string'),
            location: typeof s.location === 'string' ? s.location : undefined,
          };
        }
      } catch (e) {
        // unreadable: start fresh
      }
      return { seq: 0, events: [] };
    },
    save(s) {
      try {
        if (area) area.setItem(key, JSON.stringify(s));
      } catch (e) {
        // full or disabled: the session still resumes while the page lives
      }
    },
  };
}
