import type { Json, TimelineItemView } from '../../../../server/contracts/views';

/*
 * The timeline arrives in pages: the newest with the inquiry, older ones on request. What was
 * fetched of older pages, and the cursor that leads further back, are kept apart from the newest
 * page, which the page reloads whenever the citizen writes again.
 */

export type Item = Json<TimelineItemView>;

/** Older items fetched so far, oldest first, and the cursor for the ones before them (null: none). */
export interface Older {
  inquiryId: number;
  items: Item[];
  cursor: string | null;
}

/** Items from both lists, each id once (the later list wins), in timeline order. */
export function mergeById(a: Item[], b: Item[]): Item[] {
  const byId = new Map<number, Item>();
  for (const x of [...a, ...b]) byId.set(x.id, x);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

/** After an older page arrived: it joins the older items, and its cursor leads on. */
export function withOlderPage(older: Older | null, inquiryId: number, page: { items: Item[]; nextCursor: string | null }): Older {
  const kept = older?.inquiryId === inquiryId ? older.items : [];
  return { inquiryId, items: mergeById(page.items, kept), cursor: page.nextCursor };
}

/**
 * After the newest page was read again: items that were on screen and have now fallen out of it
 * (more messages arrived than a page holds) stay, among the older ones, so nothing shown vanishes
 * and no gap opens below the new page.
 */
export function keepShown(
  older: Older | null,
  before: { inquiryId: number; timeline: Item[]; cursor: string | null } | null,
  now: { inquiryId: number; timeline: Item[] },
): Older | null {
  const current = older?.inquiryId === now.inquiryId ? older : null;
  if (!before || before.inquiryId !== now.inquiryId || !now.timeline.length) return current;
  const first = now.timeline[0].id;
  const dropped = before.timeline.filter((x) => x.id < first);
  if (!dropped.length) return current;
  return { inquiryId: now.inquiryId, items: mergeById(current?.items ?? [], dropped), cursor: current ? current.cursor : before.cursor };
}
