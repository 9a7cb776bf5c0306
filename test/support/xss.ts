/**
 * Live markup left in a string, by MISSION.md's definition of sanitised: a script element, an
 * on* attribute or a javascript: URL inside a tag, plus what else could run or restyle (SVG, MathML,
 * frames, objects, forms, style). Escaped or plain words ("&lt;script>", "onerror=") are fine.
 */
export function liveMarkup(s: string): string[] {
  const found: string[] = [];
  const checks: [string, RegExp][] = [
    ['script element', /<script/i],
    ['active element', /<(svg|math|iframe|object|embed|form|input|style|img|link|meta|base)\b/i],
    ['event handler attribute', /<[^>]*\son[a-z]+\s*=/i],
    ['javascript: URL in an attribute', /<[^>]*=\s*["']?\s*(javascript|vbscript|data):/i],
    ['style attribute (CSS expressions)', /<[^>]*\sstyle\s*=/i],
  ];
  for (const [what, re] of checks) if (re.test(s)) found.push(what);
  return found;
}
