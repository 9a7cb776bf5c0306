import sanitizeHtml from 'sanitize-html';

/*
 * What "sanitised" means for the register (MISSION.md): nothing an agent's browser can run. HTML
 * keeps a small formatting allowlist; everything that can execute or restyle the page (scripts,
 * event handlers, javascript: and data: URLs, style attributes and so CSS expressions, SVG, MathML,
 * frames, forms) is removed before the text is ever stored.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'small',
    'sub',
    'sup',
    'blockquote',
    'pre',
    'code',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'a',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // These elements' text is code or invisible decoration, not words the citizen wrote: drop it whole.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'svg', 'math', 'title', 'head', 'iframe', 'object', 'embed', 'template', 'xml'],
  disallowedTagsMode: 'discard',
  // Links open outside the console and tell the target nothing about it.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** HTML from a citizen (an e-mail body) reduced to inert formatting. */
export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/**
 * Plain text from a citizen, made safe to hand to any client: a "<" that would open a tag,
 * comment or declaration is escaped, so no reader that forgets to escape can be made to run it.
 * Other text, "a < b" included, is left as written.
 */
export function inertText(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}
