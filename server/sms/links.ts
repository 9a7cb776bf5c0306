/*
 * Which web hosts an SMS text links to. Phones turn more than http(s) URLs into links: "www.x.no"
 * and a bare "kommune.no/søknad" are tappable too, so all three count. Norwegian abbreviations
 * such as "f.eks." or "bl.a." are not hosts: every label of a host has two characters or more
 * before the top-level domain, and that is letters only.
 *
 * A URL's host is what the WHATWG parser (the one browsers use) says it is, never a regex's guess:
 * "https://evil.com\@kommune.no" and "https://evil.com#@kommune.no" open evil.com, although the
 * text after the "@" looks like the host.
 */

const SCHEME_URL = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than the URL ("Se https://a.no." or "(https://a.no)"). */
const TRAILING = '.,;:!?)]}’';
// The look-behind names æ, ø and å too, so a host starts only where a word starts: without them
// every letter of a long run of "æ" was a new start that scanned the rest of the run (quadratic).
const BARE_HOST = /(?<![\w@.æøå-])((?:[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?\.)+[a-z]{2,24})(?=$|[\s/\\?#:,;!)"'’]|\.(?:\s|$))/gi;

/** Lower case, without the trailing dot of a fully qualified name ("kommune.no." is kommune.no). */
export const normaliseHost = (host: string) => withoutTrailing(host.toLowerCase(), '.');

/**
 * `s` without the run of `chars` at its end. A loop, because `/[…]+$/` retries from every character
 * of a long run that does not end the text, which is quadratic.
 */
function withoutTrailing(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

function hostOfUrl(raw: string): string {
  const url = withoutTrailing(raw, TRAILING);
  try {
    return normaliseHost(new URL(url).hostname);
  } catch {
    // Unparsable, yet a phone may still make it tappable: keep the whole text as the "host", which
    // no allow-list entry matches, so the send waits for a person.
    return url.toLowerCase();
  }
}

/** Lower-case hosts linked from the text, each once, without port or credentials. */
export function linkedHosts(text: string): string[] {
  const hosts = new Set<string>();
  const rest = text.replace(SCHEME_URL, (url: string) => {
    const host = hostOfUrl(url);
    if (host) hosts.add(host);
    return ' ';
  });
  for (const m of rest.matchAll(BARE_HOST)) {
    const host = m[1].toLowerCase();
    const labels = host.split('.');
    // "f.eks", "bl.a": a one-letter label is an abbreviation, not a domain.
    if (labels.slice(0, -1).some((l) => l.length < 2)) continue;
    hosts.add(host);
  }
  return [...hosts];
}

/** A host is allowed when it is an allow-listed host or a subdomain of one (label by label, not by suffix of text). */
export function isAllowedHost(host: string, allowList: string[]): boolean {
  const h = normaliseHost(host);
  return allowList.some((entry) => {
    const a = normaliseHost(entry);
    return a.length > 0 && (h === a || h.endsWith('.' + a));
  });
}
