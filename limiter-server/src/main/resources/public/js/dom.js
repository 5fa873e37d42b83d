/* Small DOM helpers shared by every module. */

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** A new element with an optional class and text. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Brings the children of box into the order of keys, reusing the child whose data attribute matches a key, building
 * a missing one with build(key), removing those no longer listed, and calling fill(child, key) on each.
 */
export function reconcile(box, attr, keys, build, fill) {
  const keep = new Set(keys);
  for (const child of Array.from(box.children)) {
    if (!keep.has(child.dataset[attr])) child.remove();
  }
  const selector = (key) => ':scope > [data-' + attr + '="' + CSS.escape(key) + '"]';
  let previous = null;
  for (const key of keys) {
    let child = box.querySelector(selector(key));
    if (!child) child = build(key);
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== child) box.insertBefore(child, expected);
    fill(child, key);
    previous = child;
  }
}
