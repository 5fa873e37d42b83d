/* The key view of a keyed limit's detail: one key's state (GET .../keys/KEY) and its holders, with force release. */
import { $, el } from './dom.js';
import { duration } from './format.js';
import { problem, read, write } from './api.js';
import { showBanner, toast } from './notify.js';
import { gauge } from './limit-state.js';
import { view } from './store.js';

// The limit the panel was last drawn for, the key shown, and a counter that drops answers to superseded loads.
const shown = { limit: null, key: null, seq: 0 };

/** Wires the key search form (once, at start). */
export function bindKeyForm() {
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = $('key-input').value;
    if (key.trim()) loadKey(key);
  });
}

/** Shows the key panel when limit l is keyed, hides it otherwise; forgets the key shown for another limit. */
export function renderKeyPanel(l) {
  if (shown.limit !== view.selected) {
    shown.limit = view.selected;
    shown.key = null;
    shown.seq++;
    $('key-input').value = '';
    $('key-error').hidden = true;
    $('key-state').hidden = true;
  }
  $('key-panel').hidden = !(l && l.summary.policy && l.summary.policy.keyed);
}

function keyUrl(name, key) {
  return '/api/limits/' + encodeURIComponent(name) + '/keys/' + encodeURIComponent(key);
}

/** Reads the key of the selected limit and draws it; the server's error (a bad key, say) shows under the form. */
async function loadKey(key) {
  const name = view.selected;
  const seq = ++shown.seq;
  const button = $('key-search');
  button.disabled = true;
  try {
    const k = await read(keyUrl(name, key));
    if (seq !== shown.seq) return;
    shown.key = key;
    $('key-error').hidden = true;
    drawKey(k, Date.now());
  } catch (e) {
    if (seq !== shown.seq) return;
    $('key-error').textContent = e.message;
    $('key-error').hidden = false;
    $('key-state').hidden = true;
  } finally {
    button.disabled = false;
  }
}

function drawKey(k, receivedAt) {
  const readAt = Date.parse(k.readAt);
  $('key-name').textContent = k.key;
  $('key-idle').hidden = !k.idle;
  $('key-override').hidden = !k.overridden;
  $('key-saturated').hidden = !k.saturated;
  const redisNow = readAt + (Date.now() - receivedAt);
  $('key-gauges').replaceChildren(...(k.gauges || []).map((g) => gauge(g, redisNow)));
  const holders = (k.holders || []).slice().sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
  $('key-holders-body').replaceChildren(...holders.map((h) => holderRow(k, h, readAt)));
  $('key-holders-count').textContent = '(' + k.holderCount + ')';
  let note = '';
  if (k.holderCount === 0) note = 'No permits held.';
  else if (k.holderCount > holders.length) note = 'Showing the ' + holders.length + ' oldest of ' + k.holderCount + '.';
  $('key-holders-note').textContent = note;
  $('key-state').hidden = false;
}

function holderRow(k, h, readAt) {
  const row = el('tr');
  row.dataset.permit = h.permitId;
  row.dataset.testid = 'key-holder-row';
  const button = el('button', 'danger small', 'Force release');
  button.type = 'button';
  button.dataset.testid = 'key-force-release';
  button.addEventListener('click', () => forceRelease(k.name, k.key, h.permitId, button));
  const actions = el('td', 'actions-cell');
  actions.append(button);
  // Age and lease left as of the read (on Redis time); searching again refreshes them.
  row.append(el('td', 'mono', h.owner), el('td', 'mono small', h.permitId), el('td', 'num', String(h.weight)),
    el('td', 'num', duration(Math.max(0, readAt - Date.parse(h.acquiredAt)))),
    el('td', 'num', duration(Math.max(0, Date.parse(h.leaseExpiresAt) - readAt))), actions);
  return row;
}

async function forceRelease(name, key, permitId, button) {
  button.disabled = true;
  try {
    const res = await write('DELETE', keyUrl(name, key) + '/permits/' + encodeURIComponent(permitId));
    if (!res) return;
    if (res.status === 204 || res.status === 404) {
      toast(res.status === 204 ? 'Released permit ' + permitId : 'Permit ' + permitId + ' was no longer held');
      if (view.selected === name && shown.key === key) await loadKey(key);
    } else {
      const p = await problem(res);
      showBanner('write', 'Force release failed: ' + p.detail);
    }
  } catch (e) {
    showBanner('write', 'Force release failed: ' + e.message);
  } finally {
    button.disabled = false;
  }
}
