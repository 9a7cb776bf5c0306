/**
 * A cheap look at a raw mail's header block, without parsing it: who sent it (to keep one sender's
 * mails in order) and whether it answers another mail (In-Reply-To or References), which the
 * watcher then records only after the mails it might answer.
 */
export function sniffHeaders(source: Buffer): { sender: string; answers: boolean } {
  const head = source.subarray(0, Math.min(source.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const from = /^from:(.*)$/im.exec(block)?.[1] ?? '';
  const bracketed = /<([^<>@\s]+@[^<>\s]+)>/.exec(from)?.[1];
  const bare = /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(from)?.[1];
  return { sender: (bracketed ?? bare ?? '').toLowerCase(), answers: /^(in-reply-to|references):\s*\S/im.test(block) };
}
