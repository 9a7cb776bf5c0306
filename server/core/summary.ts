/**
 * Plain-text start of a message for lists and pushes; MISSION.md asks for at least 80 characters.
 *
 * A scan instead of `/<[^>]*>/g`: that pattern is quadratic on a body of many "<" and no ">", and
 * bodies are kept up to a million characters, so one such mail blocked the event loop for minutes.
 * The scan is linear and stops as soon as it has more than `max` characters, so its cost is bounded
 * by the summary, not by the body. Tags become a space and whitespace runs one space, as before.
 */
export function toSummary(body: string | null | undefined, subject?: string | null, max = 200): string {
  const text = plainStart(body ?? '', max, true) || plainStart(subject ?? '', max, false);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const WHITESPACE = /\s/;

/** Up to `max + 1` characters of text, tags removed (when asked), whitespace collapsed, trimmed. */
function plainStart(s: string, max: number, stripTags: boolean): string {
  let out = '';
  let space = false;
  // Once no ">" follows, no "<" after it can open a tag: remembering that keeps the scan linear.
  let tagsPossible = stripTags;
  for (let i = 0; i < s.length && out.length <= max; i++) {
    const c = s[i];
    if (c === '<' && tagsPossible) {
      const close = s.indexOf('>', i + 1);
      if (close >= 0) {
        space = true;
        i = close;
        continue;
      }
      tagsPossible = false;
    }
    if (WHITESPACE.test(c)) {
      space = true;
      continue;
    }
    if (space && out) out += ' ';
    space = false;
    out += c;
  }
  return out;
}
