/* Formatting of numbers and durations for display. */

/** 4s, 2m 05s, 1h 02m, 3d 4h. */
export function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
  const h = Math.floor(m / 60);
  if (h < 24) return h + 'h ' + String(m % 60).padStart(2, '0') + 'm';
  return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
}

/** PT30S -> 30s, PT1M -> 1m, PT0.5S -> 500ms, PT1H30M -> 90m (a form the server accepts back). */
export function shortDuration(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
  if (!m) return iso;
  const ms = Math.round(((Number(m[1] || 0) * 60 + Number(m[2] || 0)) * 60 + Number(m[3] || 0)) * 1000);
  const units = [[86400000, 'd'], [3600000, 'h'], [60000, 'm'], [1000, 's']];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return ms / size + unit;
  }
  return ms + 'ms';
}

/** A per-second rate with at most three significant digits. */
export function rate(x) {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2).replace(/\.?0+$/, '') || '0';
}

/** A gauge amount: whole numbers with thousands separators (tokens above 100 too), else one decimal. */
export function amount(x) {
  return x >= 100 || Number.isInteger(x) ? Math.floor(x).toLocaleString('en-US') : x.toFixed(1);
}

/** A time left in rounded words: 40 s, 12 min, 3 h, 5 d. */
export function inWords(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600 - 30) return Math.round(s / 60) + ' min';
  if (s < 2 * 86400 - 1800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}
