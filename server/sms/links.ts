/*
 * Which web hosts an SMS text links to. Phones turn more than http(s) URLs into links: "www.x.no"
 * and a bare "kommune.no/søknad" are tappable too, so all three count. Norwegian abbreviations
 * such as "f.eks." or "bl.a." are not hosts: every label of a host has two characters or more
 * before the top-level domain, and that is letters only.
 */

const SCHEME_URL = /\bhttps?:\/\/([^\s/?#<>"']+)/gi;
// The look-behind names æ, ø and å too, so a host starts only where a word starts: without them
// every letter of a long run of "æ" was a new start that scanned the rest of the run (quadratic).
const BARE_HOST = /(?<![\w@.æøå-])((?:[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?\.)+[a-z]{2,24})(?=$|[\s/?#:,;!)"'’]|\.(?:\s|$))/gi;

/** Lower-case hosts linked from the text, each once, without port or credentials. */
export function linkedHosts(text: string): string[] {
  const hosts = new Set<string>();
  const rest = text.replace(SCHEME_URL, (_all, authority: string) => {
    const host = authority
      .replace(/^[^@]*@/, '')
      .replace(/:\d+$/, '')
      .replace(/\.$/, '')
      .toLowerCase();
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

/** A host is allowed when it is an allow-listed host or a subdomain of one. */
export function isAllowedHost(host: string, allowList: string[]): boolean {
  return allowList.some((a) => host === a || host.endsWith('.' + a));
}
