/*
 * Distributed Limiter dashboard: native ES modules, no build step, no dependencies.
 *
 *   main.js        start: wires the modules together
 *   stream.js      the live state from GET /api/limits/stream (SSE), merged into store.js
 *   cards.js       the overview: a card per limit, totals
 *   detail.js      one limit: state, holders, force release
 *   keys.js        a keyed limit's key view: one key's state and holders, force release
 *   policy-form.js the policy form of the detail view, built from GET /api/schema
 *   limit-state.js the gauges (from each limit's `gauges`), rates and counters; chart.js its sparkline
 *   api.js         REST writes with the admin token; notify.js banner and toast; format.js, dom.js helpers
 */
import { bindPolicyForm, ensurePolicyForm } from './policy-form.js';
import { renderOverview } from './cards.js';
import { renderDetail, renderHolders, route } from './detail.js';
import { bindKeyForm } from './keys.js';
import { startStream } from './stream.js';
import { limits, view } from './store.js';

function render() {
  // Until the schema is loaded (it needs the token where reads are protected, as the stream does), try again.
  ensurePolicyForm(render);
  renderOverview();
  if (view.selected !== null) renderDetail();
}

// A module runs after the document is parsed.
bindPolicyForm();
bindKeyForm();
window.addEventListener('hashchange', route);
// Keep holder ages ticking between events.
setInterval(() => {
  const l = view.selected !== null ? limits.get(view.selected) : null;
  if (l) renderHolders(l);
}, 1000);
ensurePolicyForm(render);
route();
startStream(render);
