import { keepShown, mergeById, withOlderPage, type Item } from '../../client/src/features/inquiry/timeline-pages';

/* The console's timeline pages: older pages join below the newest, and a reload of the newest never drops what was shown. */

const item = (id: number, body = `m${id}`): Item => ({
  id,
  channel: 'email',
  direction: 'in',
  kind: 'message',
  body,
  bodyTruncated: false,
  bodyHtml: null,
  hasHtml: false,
  subject: null,
  from: null,
  to: null,
  createdAt: '2026-12-03T08:00:00.000Z',
  externalId: null,
  status: null,
  author: null,
});
const ids = (xs: Item[]) => xs.map((x) => x.id);

describe('timeline pages in the console', () => {
  it('merges by id in timeline order, the later copy winning', () => {
    const merged = mergeById([item(3), item(1, 'old')], [item(2), item(1, 'new')]);
    expect(ids(merged)).toEqual([1, 2, 3]);
    expect(merged[0].body).toBe('new');
  });

  it('adds older pages below what is there and follows their cursor, starting afresh for another inquiry', () => {
    const first = withOlderPage(null, 7, { items: [item(5), item(6)], nextCursor: 'c1' });
    expect(first).toEqual({ inquiryId: 7, items: [item(5), item(6)], cursor: 'c1' });
    const second = withOlderPage(first, 7, { items: [item(3), item(4)], nextCursor: null });
    expect(ids(second.items)).toEqual([3, 4, 5, 6]);
    expect(second.cursor).toBeNull();
    expect(withOlderPage(second, 8, { items: [item(1)], nextCursor: null }).items).toEqual([item(1)]);
  });

  it('keeps items that a reload pushed out of the newest page, with the cursor below them', () => {
    const before = { inquiryId: 7, timeline: [item(10), item(11), item(12)], cursor: 'below-10' };
    // Two new messages: the newest page (of three) now starts at 12.
    const kept = keepShown(null, before, { inquiryId: 7, timeline: [item(12), item(13), item(14)] });
    expect(kept).toEqual({ inquiryId: 7, items: [item(10), item(11)], cursor: 'below-10' });
    // With older pages already fetched, their cursor still leads on.
    const withOlder = keepShown({ inquiryId: 7, items: [item(8), item(9)], cursor: 'below-8' }, before, { inquiryId: 7, timeline: [item(12), item(13)] });
    expect(withOlder).toEqual({ inquiryId: 7, items: [item(8), item(9), item(10), item(11)], cursor: 'below-8' });
    // Nothing pushed out, a status update of the same page, or another inquiry: nothing carried over.
    expect(keepShown(null, before, { inquiryId: 7, timeline: before.timeline })).toBeNull();
    expect(keepShown(null, before, { inquiryId: 9, timeline: [item(20)] })).toBeNull();
    expect(keepShown({ inquiryId: 7, items: [item(1)], cursor: null }, before, { inquiryId: 9, timeline: [item(20)] })).toBeNull();
  });
});
