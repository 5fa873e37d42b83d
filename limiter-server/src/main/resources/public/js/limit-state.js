/* The gauges, chart, rates and counters of one limit, shown on its card and in its detail view. */
import { el } from './dom.js';
import { formatTokens, rate } from './format.js';
import { chart } from './chart.js';

const COUNTERS = [['grants', 'Granted'], ['denials', 'Denied'], ['released', 'Released'],
  ['expired', 'Lease expired'], ['forced', 'Force-released'], ['lost_renewals', 'Lost renewals']];
const HOT_COUNTERS = new Set(['denials', 'expired', 'lost_renewals']);

/** Fills box with the state of limit l; large (the detail view) adds a taller chart and the counters. */
export function fillState(box, l, large) {
  const s = l.summary;
  const parts = [
    gauge('Permits', 'permits', s.permitsInUse, s.permitsCap, false),
    gauge('Tokens', 'tokens', s.tokensAvailable, s.burst, true),
    chart(l.rates, large),
    footer(l)];
  if (large) parts.push(counters(l.counters || {}));
  box.replaceChildren(...parts);
}

/** Cumulative counters since the limit was defined. */
function counters(c) {
  const box = el('div', 'counters');
  box.dataset.testid = 'counters';
  for (const [key, label] of COUNTERS) {
    const stat = el('div', 'stat' + (HOT_COUNTERS.has(key) && c[key] ? ' hot' : ''));
    stat.append(el('span', 'stat-value', (c[key] || 0).toLocaleString('en-US')), el('span', 'stat-label', label));
    box.append(stat);
  }
  return box;
}

function gauge(label, key, value, cap, emptyIsBad) {
  const row = el('div', 'gauge');
  row.dataset.testid = key + '-gauge';
  row.append(el('span', 'gauge-label', label));
  if (cap === undefined || cap === null) {
    row.classList.add('gauge-off');
    row.append(el('span', 'gauge-bar'), el('span', 'gauge-value muted', key === 'permits' ? 'no cap' : 'no rate'));
    return row;
  }
  const ratio = cap > 0 ? Math.max(0, Math.min(1, value / cap)) : 0;
  const level = emptyIsBad ? 1 - ratio : ratio;
  const bar = el('span', 'gauge-bar');
  const fill = el('span', 'gauge-fill ' + (level >= 1 ? 'lvl-full' : level >= 0.75 ? 'lvl-high' : 'lvl-ok'));
  fill.style.width = (ratio * 100).toFixed(1) + '%';
  bar.append(fill);
  const shown = key === 'tokens' ? formatTokens(value) : String(value);
  const text = el('span', 'gauge-value', shown + ' / ' + cap);
  text.dataset.testid = key + '-value';
  row.dataset.value = String(value);
  row.dataset.cap = String(cap);
  row.append(bar, text);
  return row;
}

function footer(l) {
  const s = l.summary;
  const last = l.rates.length ? l.rates[l.rates.length - 1] : { grants: 0, denials: 0 };
  const f = el('div', 'card-foot');
  const g = el('span', 'rate rate-grants', rate(last.grants) + ' granted/s');
  const d = el('span', 'rate rate-denials' + (last.denials > 0 ? ' hot' : ''), rate(last.denials) + ' denied/s');
  f.append(g, d);
  if (s.permitsCap !== undefined && s.permitsCap !== null) {
    const h = el('span', 'holders-count', s.holders + (s.holders === 1 ? ' holder' : ' holders'));
    h.dataset.testid = 'holder-count';
    h.dataset.value = String(s.holders);
    f.append(h);
  }
  return f;
}
