/* The overview: one card per limit and the totals in the top bar. */
import { $, el, reconcile } from './dom.js';
import { limits, sortedNames } from './store.js';
import { fillState } from './limit-state.js';

/** Redraws the cards (kept in place, so the page does not jump) and the totals. */
export function renderOverview() {
  const names = sortedNames();
  reconcile($('cards'), 'limit', names, buildCard, (card, name) => fillCard(card, limits.get(name)));
  $('empty').hidden = names.length > 0;
  renderTotals();
}

function renderTotals() {
  let saturated = 0;
  for (const l of limits.values()) if (l.summary.saturated) saturated++;
  const n = limits.size;
  $('totals').textContent = n + (n === 1 ? ' limit' : ' limits') + (saturated ? ' · ' + saturated + ' saturated' : '');
}

function buildCard(name) {
  const card = el('a', 'card');
  card.href = '#limit/' + encodeURIComponent(name);
  card.dataset.limit = name;
  card.dataset.testid = 'limit-card';
  const head = el('div', 'card-head');
  const badge = el('span', 'badge', 'Saturated');
  badge.dataset.testid = 'saturated-badge';
  badge.hidden = true;
  head.append(el('span', 'card-name', name), badge);
  card.append(head, el('div', 'state'));
  return card;
}

function fillCard(card, l) {
  const s = l.summary;
  card.classList.toggle('saturated', s.saturated);
  card.querySelector('.badge').hidden = !s.saturated;
  fillState(card.querySelector('.state'), l, false);
}
