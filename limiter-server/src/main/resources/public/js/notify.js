/* The banner (lasting conditions, one text per key) and the toast (a passing confirmation). */
import { $ } from './dom.js';

const banners = new Map();
let toastTimer = 0;

/** Shows text in the banner under key, replacing an earlier text for the same key. */
export function showBanner(key, text) {
  banners.set(key, text);
  drawBanner();
}

/** Removes the banner text of key; the banner hides when none is left. */
export function hideBanner(key) {
  if (banners.delete(key)) drawBanner();
}

function drawBanner() {
  const b = $('banner');
  b.textContent = Array.from(banners.values()).join(' ');
  b.hidden = banners.size === 0;
}

/** Shows text for three seconds. */
export function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 3000);
}
