import { Router } from 'express';
import { escapeHtml } from '../escape-html';
import { describeRoutes, openApiDocument, type OpenApiInfo, type RouteDoc } from './openapi';

/*
 * GET /api/openapi.json and GET /api/docs, before log-in: the description says what exists, never
 * what is stored. The reference page is rendered here from the same document, with no script and
 * nothing fetched from elsewhere, so it works on a server with no way out to the internet.
 */

export const apiReferenceDocs = describeRoutes('reference', 'none', [
  ['GET /api/openapi.json', 'This API as an OpenAPI 3.1 document', { response: { type: 'application/json' } }],
  ['GET /api/docs', 'This API as a readable page', { response: { type: 'text/html' } }],
]);

export function apiReferenceRoutes(routes: RouteDoc[], info: OpenApiInfo): Router {
  const document = openApiDocument(routes, info);
  const json = JSON.stringify(document);
  const page = referencePage(document);
  const r = Router();
  r.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/json').send(json);
  });
  r.get('/docs', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/html').send(page);
  });
  return r;
}

/** The overview's few Markdown forms: paragraphs, **bold**, `code` and one kind of table. */
function markdown(text: string): string {
  const inline = (s: string) =>
    escapeHtml(s)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/`(.+?)`/g, '<code>$1</code>');
  return text
    .split(/\n\n+/)
    .map((block) => {
      const lines = block.split('\n');
      if (!lines.every((l) => l.startsWith('|'))) return `<p>${inline(block)}</p>`;
      const cells = (l: string) =>
        l
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim());
      const [head, , ...rows] = lines;
      return `<table><tr>${cells(head)
        .map((c) => `<th>${inline(c)}</th>`)
        .join('')}</tr>${rows
        .map(
          (row) =>
            `<tr>${cells(row)
              .map((c) => `<td>${inline(c)}</td>`)
              .join('')}</tr>`,
        )
        .join('')}</table>`;
    })
    .join('\n');
}

interface Operation {
  summary: string;
  tags: string[];
  description?: string;
  'x-roles'?: string;
  security: object[];
  parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
}

function referencePage(doc: Record<string, unknown>): string {
  const info = doc.info as { title: string; version: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops)) {
      const who = op.security.length ? Object.keys(op.security[0])[0] : 'none';
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}${p.required ? ', required' : ''}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
        )
        .join('');
      const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : null;
      const [status, answer] = Object.entries(op.responses)[0];
      const html = `<section class="op" id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.description ? ` ${escapeHtml(op.description)}` : ''}</p>
<p class="who">${who === 'none' ? 'No log-in' : who === 'bearer' ? 'Bearer token' : who === 'twilio' ? 'X-Twilio-Signature' : 'Metrics access'}${op['x-roles'] ? `; ${escapeHtml(op['x-roles'])}` : ''}. Answers ${status}${answer.content ? ` ${escapeHtml(Object.keys(answer.content)[0])}` : ''}.</p>
${params ? `<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>${params}</table>` : ''}
${body ? `<details><summary>Body (${escapeHtml(body[0])})</summary><pre>${escapeHtml(JSON.stringify(body[1].schema, null, 2))}</pre></details>` : ''}
</section>`;
      const tag = op.tags[0];
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  const tags = [...byTag.keys()];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#1b1b1b}
code,pre{font:13px ui-monospace,monospace;background:#f3f3f3;padding:0 .2em}pre{padding:.5rem;overflow:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #ddd;padding:.25rem 0}.op h3{margin:.5rem 0 0;font-size:1rem}.who{color:#555;margin:0}
.m{display:inline-block;min-width:4rem;font-family:monospace}.get{color:#0a5}.post{color:#05a}.put,.patch{color:#a60}.delete{color:#b00}
nav a{margin-right:.75rem}
</style></head><body>
<h1>${escapeHtml(info.title)} API reference <small>${escapeHtml(info.version)}</small></h1>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${markdown(info.description)}
<nav>${tags.map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`).join('')}</nav>
${tags.map((t) => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>\n${byTag.get(t)!.join('\n')}`).join('\n')}
</body></html>
`;
}
