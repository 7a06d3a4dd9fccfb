// Scripted users for the chaos tests: each drives one ReactcClient through a
// sequence of actions and keeps what the page must show at the end if every
// event is applied exactly once. check() compares the client's final tree
// with that and counts what was lost or applied twice; checkTodo() is that
// comparison for a todo page, shared with browser.test.mjs (its DOM).
import * as M from './model.mjs';
import { sleep } from './procs.mjs';

/** A small seeded PRNG (mulberry32), so a run's choices can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

// ---- counter: clicks on #increment ------------------------------------------

export function counterUser(client, rand) {
  let clicks = 0;
  return {
    kind: 'counter',
    client,
    /** The clicks made so far. */
    get clicks() {
      return clicks;
    },
    /** Clicks with small random pauses until `until` (ms since epoch). */
    async run(until, pause = [10, 150]) {
      await client.ready();
      while (Date.now() < until) {
        client.fire('increment', 'onClick', { button: 0 });
        clicks++;
        await sleep(rand.int(...pause));
      }
    },
    /** {lost, duplicated, problems[]} of the client's page against the script. */
    check() {
      const text = client.text('count');
      const n = Number(text);
      if (text === null || !/^\d+$/.test(text)) return { lost: clicks, duplicated: 0, problems: [`#count reads ${JSON.stringify(text)}`] };
      const problems = n === clicks ? [] : [`#count is ${n} after ${clicks} clicks`];
      return { lost: Math.max(0, clicks - n), duplicated: Math.max(0, n - clicks), problems };
    },
  };
}

// ---- todo: type, submit, toggle, delete -------------------------------------

/** The rows the page shows: [{text, cls, checked, box, del}] in order (as
 * checkTodo() wants them, with the checkbox and delete button to fire at). */
export function todoRows(client) {
  const ul = client.byId('todos');
  if (!ul) return null;
  return M.childElements(ul, (c) => c.tag === 'li').map((li) => {
    const span = M.find(li, (e) => M.hasClass(e, 'text'));
    const box = M.find(li, (e) => e.tag === 'input' && M.hasClass(e, 'toggle'));
    const del = M.find(li, (e) => e.tag === 'button' && M.hasClass(e, 'delete'));
    return { text: M.textOf(span), cls: String(li.attrs.class ?? ''), checked: box ? M.boolAttr(box, 'checked') : null, box, del };
  });
}

/**
 * A todo page against its script: {lost, duplicated, problems[]}. For the
 * headless users here (rows from the client's tree) and the Chromium pages
 * of browser.test.mjs (rows from the DOM).
 *   items: [{text, done}], what the list must show, in order;
 *   rows: [{text, cls, checked}], the rows the page shows, in order: cls the
 *     row's class, which the server renders from its state ('done' or
 *     'open'), checked the state its checkbox shows;
 *   remaining: the text of #remaining;
 *   typed: every text the script typed for a row, deleted ones too (not
 *     a last draft it leaves unsubmitted).
 * The draft field is the caller's to check.
 */
export function checkTodo({ items, rows, remaining, typed }) {
  const problems = [];
  let lost = 0;
  let duplicated = 0;
  const want = new Map(items.map((i) => [i.text, i]));
  const seen = new Map();
  for (const row of rows) {
    seen.set(row.text, (seen.get(row.text) || 0) + 1);
    const item = want.get(row.text);
    if (!item) {
      // A deleted row (its delete lost), a partly typed text (keys lost),
      // or a row the script never made (a submit applied twice with the
      // draft it had).
      problems.push(`row ${JSON.stringify(row.text)} should not be there`);
      if (typed.some((t) => t.startsWith(row.text || '\0'))) lost++;
      else duplicated++;
      continue;
    }
    const cls = item.done ? 'done' : 'open';
    if (row.cls !== cls) {
      // The server's state (it renders the class). Toggles flip: an odd
      // number of them lost or applied twice.
      problems.push(`row ${JSON.stringify(row.text)}: class ${row.cls}, checked ${row.checked}, want ${cls}`);
      lost++;
    } else if (row.checked !== item.done) {
      // The server's state is right, the box the page shows is not.
      problems.push(`row ${JSON.stringify(row.text)}: class ${row.cls} as scripted, but its checkbox shows checked ${row.checked}`);
    }
  }
  for (const [text, n] of seen) {
    if (n > 1) {
      problems.push(`row ${JSON.stringify(text)} shown ${n} times`);
      duplicated += n - 1;
    }
  }
  for (const i of items) {
    if (!seen.has(i.text)) {
      problems.push(`row ${JSON.stringify(i.text)} missing`);
      lost++;
    }
  }
  const order = rows.map((r) => r.text).filter((t) => want.has(t));
  const wantOrder = items.map((i) => i.text).filter((t) => seen.has(t));
  if (order.join('\n') !== wantOrder.join('\n')) problems.push(`rows out of order: ${order.join(', ')} (want ${wantOrder.join(', ')})`);
  const open = String(items.filter((i) => !i.done).length);
  if (remaining !== open) problems.push(`#remaining is ${JSON.stringify(remaining)}, want ${open}`);
  return { lost, duplicated, problems };
}

export function todoUser(client, rand, name) {
  const items = []; // {text, done}: what the list must be
  const typed = []; // every text typed for a row
  return {
    kind: 'todo',
    client,
    async run(until, pause = [20, 200]) {
      await client.ready();
      while (Date.now() < until) {
        // Act only on rows the user can see and has not deleted.
        const shown = (todoRows(client) || []).filter((r) => items.some((i) => i.text === r.text));
        const r = rand();
        if (items.length < 3 || shown.length === 0 || r < 0.45) {
          const text = `${name}-${typed.length + 1}`;
          typed.push(text);
          for (let k = 1; k <= text.length; k++) {
            client.fire('new-todo', 'onChange', { type: 'input', value: text.slice(0, k) });
            await sleep(rand.int(2, 25));
          }
          client.fire('new-todo-form', 'onSubmit', { elements: { } });
          items.push({ text, done: false });
        } else if (r < 0.8) {
          const row = rand.pick(shown);
          const item = items.find((i) => i.text === row.text);
          client.fire(row.box, 'onChange', { type: 'change', checked: !item.done });
          item.done = !item.done;
        } else {
          const row = rand.pick(shown);
          client.fire(row.del, 'onClick', { button: 0 });
          items.splice(items.findIndex((i) => i.text === row.text), 1);
        }
        await sleep(rand.int(...pause));
      }
    },
    check() {
      const rows = todoRows(client);
      if (!rows) return { lost: items.length, duplicated: 0, problems: ['no #todos list'] };
      const r = checkTodo({ items, rows, remaining: client.text('remaining'), typed });
      const draft = client.byId('new-todo');
      if (!draft || (draft.attrs.value || '') !== '') r.problems.push(`#new-todo holds ${JSON.stringify(draft && draft.attrs.value)} after the last submit`);
      return r;
    },
  };
}
