/* What the page knows: the limits as last streamed, and the view's own state. */

/** name -> {summary, readAt, receivedAt, rates: [{at, grants, denials}], holders|undefined, counters} */
export const limits = new Map();

/** permit id -> time until which a force-released holder is hidden even if a stale event still lists it */
export const released = new Map();

export const view = { stream: null, redisUp: true, error: null, lastEventAt: 0, selected: null, formFor: null,
  formDirty: false, readsProtected: false };

/** Limit names in display order. */
export function sortedNames() {
  return Array.from(limits.keys()).sort((a, b) => a.localeCompare(b));
}
