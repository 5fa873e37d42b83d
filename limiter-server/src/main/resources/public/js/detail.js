/*
 * The detail view of one limit (#limit/NAME): its state, holders with force release, its policy form, and for a
 * keyed limit the key view (keys.js).
 */
import { $, el, reconcile } from './dom.js';
import { duration } from './format.js';
import { problem, write } from './api.js';
import { showBanner, toast } from './notify.js';
import { limits, released, view } from './store.js';
import { fillState } from './limit-state.js';
import { clearFormErrors, fillForm } from './policy-form.js';
import { renderKeyPanel } from './keys.js';

/** Shows the overview or the detail view named by the location's hash. */
export function route() {
  const m = /^#limit\/(.+)$/.exec(location.hash);
  const name = m ? decodeURIComponent(m[1]) : null;
  if (name !== view.selected) {
    view.selected = name;
    view.formFor = null;
    clearFormErrors();
    $('form-status').textContent = '';
  }
  $('overview').hidden = name !== null;
  $('detail').hidden = name === null;
  if (name !== null) {
    renderDetail();
    window.scrollTo(0, 0);
  }
}

/** Redraws the detail view of the selected limit; the form is refilled only while the user has not edited it. */
export function renderDetail() {
  const name = view.selected;
  const l = limits.get(name);
  $('detail-name').textContent = name;
  $('detail').dataset.limit = name;
  $('detail-gone').hidden = !!l || view.lastEventAt === 0;
  $('detail-badge').hidden = !(l && l.summary.saturated);
  renderKeyPanel(l);
  if (!l) {
    $('detail-state').replaceChildren(el('p', 'muted', view.lastEventAt ? 'No such limit.' : 'Loading…'));
    renderHolders(null);
    return;
  }
  fillState($('detail-state'), l, true);
  renderHolders(l);
  if (view.formFor !== name || !view.formDirty) fillForm(l.summary.policy, name);
}

/** Redraws the holders of the selected limit, oldest first, with ages on Redis time. */
export function renderHolders(l) {
  const now = Date.now();
  const holders = l && l.holders ? l.holders.filter((h) => !released.has(h.permitId)) : [];
  holders.sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
  const byId = new Map(holders.map((h) => [h.permitId, h]));
  reconcile($('holders-body'), 'permit', Array.from(byId.keys()), (id) => buildHolderRow(byId.get(id)), (row, id) => {
    const h = byId.get(id);
    // Ages and lease left are on Redis time: the read time plus what elapsed here since the event arrived.
    const redisNow = l.readAt + (now - l.receivedAt);
    row.cells[3].textContent = duration(redisNow - Date.parse(h.acquiredAt));
    const left = Date.parse(h.leaseExpiresAt) - redisNow;
    row.cells[4].textContent = duration(Math.max(0, left));
    row.cells[4].classList.toggle('hot', left < 5000);
  });
  const total = l ? l.summary.holders : 0;
  $('holders-count').textContent = l ? '(' + total + ')' : '';
  let note = '';
  if (l && !l.holders && total > 0) note = 'Loading holders…';
  else if (l && l.holders && total > l.holders.length) note = 'Showing the ' + l.holders.length + ' oldest of ' + total + '.';
  else if (l && total === 0) note = 'No permits held.';
  $('holders-note').textContent = note;
}

function buildHolderRow(h) {
  const row = el('tr');
  row.dataset.permit = h.permitId;
  row.dataset.testid = 'holder-row';
  const button = el('button', 'danger small', 'Force release');
  button.type = 'button';
  button.dataset.testid = 'force-release';
  button.addEventListener('click', () => forceRelease(view.selected, h.permitId, button));
  const actions = el('td', 'actions-cell');
  actions.append(button);
  row.append(el('td', 'mono', h.owner), el('td', 'mono small', h.permitId), el('td', 'num', String(h.weight)),
    el('td', 'num'), el('td', 'num'), actions);
  return row;
}

async function forceRelease(name, permitId, button) {
  button.disabled = true;
  try {
    const res = await write('DELETE', '/api/limits/' + encodeURIComponent(name) + '/permits/'
      + encodeURIComponent(permitId));
    if (!res) return;
    if (res.status === 204 || res.status === 404) {
      released.set(permitId, Date.now() + 5000);
      const l = limits.get(name);
      if (l) renderHolders(l);
      toast(res.status === 204 ? 'Released permit ' + permitId : 'Permit ' + permitId + ' was no longer held');
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
