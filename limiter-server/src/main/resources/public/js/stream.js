/*
 * The live state: one server-sent-events stream (GET /api/limits/stream), a "snapshot" event on connect, then an
 * "update" event per server tick, merged into the store.
 */
import { $ } from './dom.js';
import { TOKEN_KEY, askToken, problem } from './api.js';
import { hideBanner, showBanner } from './notify.js';
import { limits, released, view } from './store.js';

const MAX_POINTS = 300;

let onChange = () => {};

/** Opens the stream; changed() runs after every event has been merged into the store. */
export function startStream(changed) {
  onChange = changed;
  connect();
}

function connect() {
  // EventSource cannot send headers: only when the server protects reads does the token go in the query (a URL
  // may end up in logs, so it carries the token only where it is needed).
  const token = view.readsProtected ? sessionStorage.getItem(TOKEN_KEY) : null;
  const es = new EventSource('/api/limits/stream' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
  view.stream = es;
  es.addEventListener('snapshot', (e) => apply(JSON.parse(e.data), true));
  es.addEventListener('update', (e) => apply(JSON.parse(e.data), false));
  es.onopen = () => setStatus('live', 'Live');
  es.onerror = () => {
    setStatus('down', 'Reconnecting…');
    // A network error reconnects by itself (and the next "snapshot" event restores everything); an HTTP error
    // closes the stream for good, so find out why and connect again.
    if (es.readyState === EventSource.CLOSED) setTimeout(() => reconnectAfterError(es), 1000);
  };
}

async function reconnectAfterError(closed) {
  if (view.stream !== closed) return;
  try {
    // Ask without the token first: only a server that protects reads needs it.
    let res = await fetch('/api/limits');
    view.readsProtected = res.status === 401;
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (view.readsProtected && token) {
      res = await fetch('/api/limits', { headers: { Authorization: 'Bearer ' + token } });
    }
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      showBanner('stream', 'This server protects reads: the dashboard needs the admin token.');
      const entered = await askToken((await problem(res)).detail);
      if (entered === null) return;
      sessionStorage.setItem(TOKEN_KEY, entered);
      hideBanner('stream');
    }
  } catch (e) {
    // server unreachable: try again below
  }
  connect();
}

function apply(event, full) {
  const now = Date.now();
  const present = new Set();
  for (const frame of event.limits) {
    const name = frame.summary.name;
    present.add(name);
    let l = limits.get(name);
    if (!l || full) {
      l = { rates: [], holders: l && l.holders };
      limits.set(name, l);
    }
    const lastAt = l.rates.length ? l.rates[l.rates.length - 1].at : 0;
    for (const p of frame.rates) {
      if (p.at > lastAt) l.rates.push(p);
    }
    if (l.rates.length > MAX_POINTS) l.rates.splice(0, l.rates.length - MAX_POINTS);
    l.summary = frame.summary;
    l.readAt = Date.parse(frame.readAt);
    l.receivedAt = now;
    if (frame.holders) l.holders = frame.holders;
    l.counters = frame.counters;
  }
  for (const name of Array.from(limits.keys())) {
    if (!present.has(name)) limits.delete(name);
  }
  for (const [id, until] of released) {
    if (until < now) released.delete(id);
  }
  const unreadable = event.unreadable || [];
  if (unreadable.length) {
    showBanner('unreadable', 'Cannot read ' + (unreadable.length === 1 ? 'limit ' : 'limits ')
        + unreadable.map((u) => u.name).join(', ') + ' from Redis: ' + unreadable.map((u) => u.error).join(' '));
  } else {
    hideBanner('unreadable');
  }
  view.redisUp = event.redisUp;
  view.error = event.error || null;
  view.lastEventAt = now;
  document.body.dataset.events = String(Number(document.body.dataset.events || 0) + 1);
  if (event.redisUp) {
    setStatus('live', 'Live');
    hideBanner('redis');
  } else {
    setStatus('down', 'Redis unreachable');
    showBanner('redis', 'Cannot read Redis: ' + (event.error || 'unknown error') + '. Showing the last state read.');
  }
  onChange();
}

function setStatus(state, label) {
  $('status').dataset.state = state;
  $('status-label').textContent = label;
}
