/* The gauges, chart, rates and counters of one limit, shown on its card and in its detail view. */
import { el } from './dom.js';
import { amount, inWords, rate } from './format.js';
import { chart } from './chart.js';

const COUNTERS = [['grants', 'Granted'], ['denials', 'Denied'], ['released', 'Released'],
  ['expired', 'Lease expired'], ['forced', 'Force-released'], ['lost_renewals', 'Lost renewals']];
const HOT_COUNTERS = new Set(['denials', 'expired', 'lost_renewals']);

/**
 * Fills box with the state of limit l: one gauge per part the server reports (summary.gauges), the chart and the
 * rates; large (the detail view) adds a taller chart and the counters.
 */
export function fillState(box, l, large) {
  const redisNow = l.readAt + (Date.now() - l.receivedAt);
  const parts = (l.summary.gauges || []).map((g) => gauge(g, redisNow));
  parts.push(chart(l.rates, large), footer(l));
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

/** How full one part is: used against max, and when it resets if the part has a window. */
export function gauge(g, redisNow) {
  const row = el('div', 'gauge');
  row.dataset.testid = g.part + '-gauge';
  row.dataset.part = g.part;
  row.append(el('span', 'gauge-label', g.label.charAt(0).toUpperCase() + g.label.slice(1)));
  const ratio = g.max > 0 ? Math.max(0, Math.min(1, g.used / g.max)) : 0;
  const bar = el('span', 'gauge-bar');
  const fill = el('span', 'gauge-fill ' + (ratio >= 1 ? 'lvl-full' : ratio >= 0.75 ? 'lvl-high' : 'lvl-ok'));
  fill.style.width = (ratio * 100).toFixed(1) + '%';
  bar.append(fill);
  const text = el('span', 'gauge-value', amount(g.used) + ' / ' + amount(g.max));
  text.dataset.testid = g.part + '-value';
  row.dataset.value = String(g.used);
  row.dataset.cap = String(g.max);
  row.append(bar, text);
  if (g.resetAt) {
    const reset = el('span', 'gauge-reset muted', 'resets in ' + inWords(Date.parse(g.resetAt) - redisNow));
    reset.dataset.testid = g.part + '-reset';
    reset.title = 'at ' + g.resetAt;
    row.append(reset);
  }
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
