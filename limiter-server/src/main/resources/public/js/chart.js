/* The grants/denials sparkline, hand-drawn SVG. */
import { SVG_NS, el } from './dom.js';
import { duration, rate } from './format.js';

/** Grants (filled) and denials (line) per second over the kept points, as an SVG sparkline. */
export function chart(points, large) {
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
  const shape = (tag, points, cls) => {
    const s = document.createElementNS(SVG_NS, tag);
    s.setAttribute('points', points);
    s.setAttribute('class', cls);
    return s;
  };
  svg.append(shape('polygon', '0,' + h + ' ' + line('grants') + ' ' + w + ',' + h, 'area-grants'),
    shape('polyline', line('grants'), 'line-grants'), shape('polyline', line('denials'), 'line-denials'));
  title.textContent = 'Per second, last ' + duration(t1 - t0);
  scale.textContent = 'peak ' + rate(max);
  return box;
}
