/*
 * Distributed Limiter dashboard. Plain JavaScript, no build step, no dependencies.
 *
 * State comes from one server-sent-events stream (GET /api/limits/stream): a "snapshot" event on connect,
 * then an "update" event per server tick. Writes (force release, policy edits) go to the REST API with the
 * admin token, asked once and kept in sessionStorage.
 */
'use strict';

(function () {
  const TOKEN_KEY = 'limiter.adminToken';
  const MAX_POINTS = 300;
  const POLICY_FIELDS = ['permits', 'lease', 'rate', 'period', 'burst'];
  const SVG_NS = 'http://www.w3.org/2000/svg';

  /** name -> {summary, readAt, receivedAt, rates: [{at, grants, denials}], holders|undefined} */
  const limits = new Map();
  /** permit id -> time until which a force-released holder is hidden even if a stale event still lists it */
  const released = new Map();
  const view = { stream: null, redisUp: true, error: null, lastEventAt: 0, selected: null, formFor: null,
    formDirty: false, readsProtected: false };

  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // ---------------------------------------------------------------- stream

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
    render();
  }

  function setStatus(state, label) {
    $('status').dataset.state = state;
    $('status-label').textContent = label;
  }

  // ---------------------------------------------------------------- rendering

  function render() {
    renderCards();
    renderTotals();
    if (view.selected !== null) renderDetail();
  }

  function sortedNames() {
    return Array.from(limits.keys()).sort((a, b) => a.localeCompare(b));
  }

  function renderTotals() {
    let saturated = 0;
    for (const l of limits.values()) if (l.summary.saturated) saturated++;
    const n = limits.size;
    $('totals').textContent = n + (n === 1 ? ' limit' : ' limits') + (saturated ? ' · ' + saturated + ' saturated' : '');
  }

  function renderCards() {
    const box = $('cards');
    const names = sortedNames();
    const keep = new Set(names);
    for (const card of Array.from(box.children)) {
      if (!keep.has(card.dataset.limit)) card.remove();
    }
    let previous = null;
    for (const name of names) {
      let card = box.querySelector('[data-limit="' + CSS.escape(name) + '"]');
      if (!card) {
        card = buildCard(name);
      }
      const expected = previous ? previous.nextSibling : box.firstChild;
      if (expected !== card) box.insertBefore(card, expected);
      fillCard(card, limits.get(name));
      previous = card;
    }
    $('empty').hidden = names.length > 0;
  }

  function buildCard(name) {
    const card = el('a', 'card');
    card.href = '#limit/' + encodeURIComponent(name);
    card.dataset.limit = name;
    card.dataset.testid = 'limit-card';
    const head = el('div', 'card-head');
    head.append(el('span', 'card-name', name), badge());
    card.append(head, el('div', 'state'));
    return card;
  }

  function badge() {
    const b = el('span', 'badge', 'Saturated');
    b.dataset.testid = 'saturated-badge';
    b.hidden = true;
    return b;
  }

  function fillCard(card, l) {
    const s = l.summary;
    card.classList.toggle('saturated', s.saturated);
    card.querySelector('.badge').hidden = !s.saturated;
    fillState(card.querySelector('.state'), l, false);
  }

  /** The gauges, chart and counts of one limit, used by the cards and the detail view. */
  function fillState(box, l, large) {
    const s = l.summary;
    const parts = [
      gauge('Permits', 'permits', s.permitsInUse, s.permitsCap, false),
      gauge('Tokens', 'tokens', s.tokensAvailable, s.burst, true),
      chart(l.rates, large),
      footer(l)];
    if (large) parts.push(counters(l.counters || {}));
    box.replaceChildren(...parts);
  }

  const COUNTERS = [['grants', 'Granted'], ['denials', 'Denied'], ['released', 'Released'],
    ['expired', 'Lease expired'], ['forced', 'Force-released'], ['lost_renewals', 'Lost renewals']];

  /** Cumulative counters since the limit was defined. */
  function counters(c) {
    const box = el('div', 'counters');
    box.dataset.testid = 'counters';
    for (const [key, label] of COUNTERS) {
      const stat = el('div', 'stat' + ((key === 'denials' || key === 'expired' || key === 'lost_renewals') && c[key]
        ? ' hot' : ''));
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

  function formatTokens(t) {
    return t >= 100 || Number.isInteger(t) ? String(Math.floor(t)) : t.toFixed(1);
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

  function rate(x) {
    return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2).replace(/\.?0+$/, '') || '0';
  }

  /** Grants (filled) and denials (line) per second over the kept points, as an SVG sparkline. */
  function chart(points, large) {
    const w = 300;
    const h = large ? 90 : 54;
    const box = el('div', 'chart');
    const head = el('div', 'chart-head');
    const title = el('span', '', 'Grants and denials per second');
    const scale = el('span', '');
    head.append(title, scale);
    const plot = el('div', 'chart-plot');
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'grants and denials per second');
    plot.append(svg);
    box.append(head, plot);
    if (points.length < 2) {
      plot.append(el('span', 'chart-empty', 'collecting rates…'));
      return box;
    }
    const t0 = points[0].at;
    const t1 = points[points.length - 1].at;
    let max = 1;
    for (const p of points) max = Math.max(max, p.grants, p.denials);
    const x = (t) => ((t - t0) / Math.max(1, t1 - t0)) * w;
    const y = (v) => h - 2 - (v / max) * (h - 6);
    const line = (key) => points.map((p) => x(p.at).toFixed(1) + ',' + y(p[key]).toFixed(1)).join(' ');
    const area = document.createElementNS(SVG_NS, 'polygon');
    area.setAttribute('points', '0,' + h + ' ' + line('grants') + ' ' + w + ',' + h);
    area.setAttribute('class', 'area-grants');
    const grants = document.createElementNS(SVG_NS, 'polyline');
    grants.setAttribute('points', line('grants'));
    grants.setAttribute('class', 'line-grants');
    const denials = document.createElementNS(SVG_NS, 'polyline');
    denials.setAttribute('points', line('denials'));
    denials.setAttribute('class', 'line-denials');
    svg.append(area, grants, denials);
    title.textContent = 'Per second, last ' + duration(t1 - t0);
    scale.textContent = 'peak ' + rate(max);
    return box;
  }

  // ---------------------------------------------------------------- detail view

  function route() {
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

  function renderDetail() {
    const name = view.selected;
    const l = limits.get(name);
    $('detail-name').textContent = name;
    $('detail').dataset.limit = name;
    $('detail-gone').hidden = !!l || view.lastEventAt === 0;
    $('detail-badge').hidden = !(l && l.summary.saturated);
    if (!l) {
      $('detail-state').replaceChildren(el('p', 'muted', view.lastEventAt ? 'No such limit.' : 'Loading…'));
      renderHolders(null);
      return;
    }
    fillState($('detail-state'), l, true);
    renderHolders(l);
    if (view.formFor !== name || !view.formDirty) fillForm(l.summary.policy, name);
  }

  function renderHolders(l) {
    const body = $('holders-body');
    const now = Date.now();
    const holders = l && l.holders ? l.holders.filter((h) => !released.has(h.permitId)) : [];
    holders.sort((a, b) => Date.parse(a.acquiredAt) - Date.parse(b.acquiredAt));
    const keep = new Set(holders.map((h) => h.permitId));
    for (const row of Array.from(body.children)) {
      if (!keep.has(row.dataset.permit)) row.remove();
    }
    let previous = null;
    for (const h of holders) {
      let row = body.querySelector('tr[data-permit="' + CSS.escape(h.permitId) + '"]');
      if (!row) row = buildHolderRow(h);
      const expected = previous ? previous.nextSibling : body.firstChild;
      if (expected !== row) body.insertBefore(row, expected);
      // Ages and lease left are on Redis time: the read time plus what elapsed here since the event arrived.
      const redisNow = l.readAt + (now - l.receivedAt);
      row.cells[3].textContent = duration(redisNow - Date.parse(h.acquiredAt));
      const left = Date.parse(h.leaseExpiresAt) - redisNow;
      row.cells[4].textContent = duration(Math.max(0, left));
      row.cells[4].classList.toggle('hot', left < 5000);
      previous = row;
    }
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

  // ---------------------------------------------------------------- policy form

  function fillForm(policy, name) {
    const form = $('policy-form');
    for (const f of POLICY_FIELDS) {
      const v = policy[f];
      form.elements[f].value = v === undefined || v === null ? '' : (f === 'lease' || f === 'period' ? shortDuration(v) : String(v));
    }
    view.formFor = name;
    view.formDirty = false;
  }

  function clearFormErrors() {
    for (const e of document.querySelectorAll('[data-error-for]')) e.textContent = '';
    for (const f of POLICY_FIELDS) $('policy-form').elements[f].removeAttribute('aria-invalid');
    $('form-error').hidden = true;
  }

  async function savePolicy(event) {
    event.preventDefault();
    const name = view.selected;
    const form = $('policy-form');
    const body = {};
    for (const f of POLICY_FIELDS) {
      const v = form.elements[f].value.trim();
      if (v === '') continue;
      body[f] = /^-?\d+(\.\d+)?$/.test(v) && f !== 'lease' && f !== 'period' ? Number(v) : v;
    }
    clearFormErrors();
    $('form-status').textContent = 'Saving…';
    const save = $('policy-save');
    save.disabled = true;
    try {
      const res = await write('PUT', '/api/limits/' + encodeURIComponent(name), body);
      if (!res) {
        $('form-status').textContent = '';
        return;
      }
      if (res.ok) {
        const stored = await res.json();
        view.formDirty = false;
        fillForm(stored, name);
        $('form-status').textContent = 'Saved';
        toast('Policy of ' + name + ' saved');
        return;
      }
      $('form-status').textContent = '';
      const p = await problem(res);
      const slot = p.field ? document.querySelector('[data-error-for="' + CSS.escape(p.field) + '"]') : null;
      if (slot) {
        slot.textContent = p.detail;
        form.elements[p.field].setAttribute('aria-invalid', 'true');
        form.elements[p.field].focus();
      } else {
        $('form-error').textContent = p.detail;
        $('form-error').hidden = false;
      }
    } catch (e) {
      $('form-status').textContent = '';
      $('form-error').textContent = 'Could not save: ' + e.message;
      $('form-error').hidden = false;
    } finally {
      save.disabled = false;
    }
  }

  // ---------------------------------------------------------------- writes and the admin token

  /**
   * Sends a write with the admin token, asking for the token first if this tab has none, and again (with the
   * server's reason) on 401/403. Resolves to the Response, or null when the user cancels the token prompt.
   */
  async function write(method, url, body) {
    let reason = null;
    for (;;) {
      let token = sessionStorage.getItem(TOKEN_KEY);
      if (!token) {
        token = await askToken(reason);
        if (token === null) return null;
        sessionStorage.setItem(TOKEN_KEY, token);
      }
      const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status !== 401 && res.status !== 403) return res;
      sessionStorage.removeItem(TOKEN_KEY);
      reason = (await problem(res)).detail;
    }
  }

  function askToken(reason) {
    const dialog = $('token-dialog');
    const input = $('token-input');
    const error = $('token-error');
    error.textContent = reason || '';
    error.hidden = !reason;
    input.value = '';
    return new Promise((resolve) => {
      const done = (value) => {
        $('token-form').removeEventListener('submit', onSubmit);
        $('token-cancel').removeEventListener('click', onCancel);
        dialog.removeEventListener('cancel', onCancel);
        dialog.close();
        resolve(value);
      };
      const onSubmit = (e) => {
        e.preventDefault();
        const v = input.value.trim();
        if (v) done(v);
      };
      const onCancel = (e) => {
        e.preventDefault();
        done(null);
      };
      $('token-form').addEventListener('submit', onSubmit);
      $('token-cancel').addEventListener('click', onCancel);
      dialog.addEventListener('cancel', onCancel);
      dialog.showModal();
      input.focus();
    });
  }

  /** The problem+json body of an error response, or a stand-in with the status line. */
  async function problem(res) {
    try {
      const p = await res.json();
      if (p && p.detail) return p;
    } catch (ignored) {
      // not JSON
    }
    return { detail: res.status + ' ' + res.statusText };
  }

  // ---------------------------------------------------------------- small helpers

  const banners = new Map();

  function showBanner(key, text) {
    banners.set(key, text);
    drawBanner();
  }

  function hideBanner(key) {
    if (banners.delete(key)) drawBanner();
  }

  function drawBanner() {
    const b = $('banner');
    b.textContent = Array.from(banners.values()).join(' ');
    b.hidden = banners.size === 0;
  }

  let toastTimer = 0;

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 3000);
  }

  /** 4s, 2m 05s, 1h 02m, 3d 4h. */
  function duration(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
    const h = Math.floor(m / 60);
    if (h < 24) return h + 'h ' + String(m % 60).padStart(2, '0') + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  /** PT30S -> 30s, PT1M -> 1m, PT0.5S -> 500ms, PT1H30M -> 90m (a form the server accepts back). */
  function shortDuration(iso) {
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
    if (!m) return iso;
    const ms = Math.round(((Number(m[1] || 0) * 60 + Number(m[2] || 0)) * 60 + Number(m[3] || 0)) * 1000);
    const units = [[86400000, 'd'], [3600000, 'h'], [60000, 'm'], [1000, 's']];
    for (const [size, unit] of units) {
      if (ms >= size && ms % size === 0) return ms / size + unit;
    }
    return ms + 'ms';
  }

  // ---------------------------------------------------------------- start

  document.addEventListener('DOMContentLoaded', () => {
    $('policy-form').addEventListener('submit', savePolicy);
    $('policy-form').addEventListener('input', () => {
      view.formDirty = true;
      $('form-status').textContent = '';
    });
    $('policy-reset').addEventListener('click', () => {
      clearFormErrors();
      view.formDirty = false;
      const l = limits.get(view.selected);
      if (l) fillForm(l.summary.policy, view.selected);
    });
    window.addEventListener('hashchange', route);
    // Keep holder ages ticking between events.
    setInterval(() => {
      const l = view.selected !== null ? limits.get(view.selected) : null;
      if (l) renderHolders(l);
    }, 1000);
    route();
    connect();
  });
}());
