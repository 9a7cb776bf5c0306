/**
 * Reads TwiML back into a tree, the way Twilio would: for the call simulator and the tests that play
 * Twilio's part. It knows only what TwiML is (elements, attributes, text; no DTD, no CDATA), and
 * stops at anything else rather than guessing.
 */
export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  children: TwimlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });

export function readTwiml(xml: string): TwimlNode {
  const src = xml.replace(/^\s*<\?xml[^?]*\?>/, '');
  const root: TwimlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: TwimlNode[] = [root];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let pos = 0;
  for (let m = tag.exec(src); m; m = tag.exec(src)) {
    if (m.index !== pos) throw new Error(`TwiML: unexpected input at ${pos}`);
    pos = tag.lastIndex;
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      if (top.name !== name) throw new Error(`TwiML: </${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
    const node: TwimlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (pos !== src.length || stack.length !== 1) throw new Error('TwiML: not well-formed');
  const response = root.children[0];
  if (!response || response.name !== 'Response') throw new Error('TwiML: no <Response>');
  return response;
}

/** Every node of a name, depth first. */
export function findAll(node: TwimlNode, name: string): TwimlNode[] {
  const out: TwimlNode[] = [];
  const walk = (n: TwimlNode) => {
    if (n.name === name) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}

/** What a caller hears, in order: the text of <Say> and the URL of <Play>. */
export function spoken(node: TwimlNode): string[] {
  const out: string[] = [];
  const walk = (n: TwimlNode) => {
    if (n.name === 'Say') out.push(n.text.trim());
    else if (n.name === 'Play') out.push(`play:${n.text.trim()}`);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}
