/** How much of the From header is looked at: an address sits in its first line, and the scan stays cheap on a hostile one. */
const MAX_FROM = 2000;
/** Characters that end a bare address in a From header. */
const NOT_IN_ADDRESS = /[\s<>"(),;:]+/;

/**
 * A cheap look at a raw mail's header block, without parsing it: who sent it (to keep one sender's
 * mails in order) and whether it answers another mail (In-Reply-To or References), which the
 * watcher then records only after the mails it might answer.
 */
export function sniffHeaders(source: Buffer): { sender: string; answers: boolean } {
  const head = source.subarray(0, Math.min(source.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const from = (/^from:(.*)$/im.exec(block)?.[1] ?? '').slice(0, MAX_FROM);
  const bracketed = /<([^<>@\s]+@[^<>\s]+)>/.exec(from)?.[1];
  return { sender: (bracketed ?? bareAddress(from) ?? '').toLowerCase(), answers: /^(in-reply-to|references):\s*\S/im.test(block) };
}

/**
 * The first "local@domain" not in angle brackets. Splitting on the separators is linear, where the
 * pattern `[^…]+@[^…]+` retried from every character of a long run without "@" (quadratic).
 * A word is an address when an "@" has at least one character before and after it.
 */
function bareAddress(from: string): string | undefined {
  return from.split(NOT_IN_ADDRESS).find((w) => {
    const at = w.indexOf('@', 1);
    return at > 0 && at < w.length - 1;
  });
}
