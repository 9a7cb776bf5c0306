import { z } from 'zod';
import { ACK_REASONS } from '../../contracts/socket-events';

/*
 * The API description: every feature lists the routes it mounts next to the routes themselves
 * (a `RouteDoc` per route, naming the very zod schemas that validate it), and this file turns the
 * lists into one OpenAPI 3.1 document with zod 4's own JSON Schema output. A test walks the
 * mounted routers and checks that both agree, so the description cannot drift from the code.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route: staff with a bearer token, anybody, or Twilio with its signature. */
export type RouteAuth = 'bearer' | 'none' | 'twilio' | 'metrics';

export interface RouteDoc {
  method: HttpMethod;
  /** The mounted path in express notation (`/api/inquiries/:id`). */
  path: string;
  summary: string;
  /** The group in the reference: the feature's room (register, sms, journal, ...). */
  tag: string;
  auth: RouteAuth;
  /** Which roles the access policy lets through, in words (`admin`, `records`, ...). */
  roles?: string;
  description?: string;
  /** Path parameters by name; a parameter without a schema is a plain string. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body's media type when not JSON: Twilio's forms, CSV uploads, multipart web forms. */
  bodyType?: 'application/x-www-form-urlencoded' | 'text/csv' | 'multipart/form-data';
  /** The success answer: its status (200 by default), media type (JSON by default) and schema if any. */
  response?: { status?: number; type?: string; schema?: z.ZodType; description?: string };
}

/** Short form for a feature's list: `route('GET /api/x/:id', 'Reads x', { params: ... })`. */
export function describeRoutes(tag: string, auth: RouteAuth, routes: Array<[string, string, Partial<RouteDoc>?]>): RouteDoc[] {
  return routes.map(([methodPath, summary, more]) => {
    const [method, path] = methodPath.split(' ') as [HttpMethod, string];
    return { method, path, summary, tag, auth, ...more };
  });
}

/** `/api/x/:id` → `/api/x/{id}`, as OpenAPI writes path templates. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('machine-readable, e.g. invalid_input, not_found, conflict'),
      message: z.string().describe('for people; may change'),
      details: z.unknown().optional().describe('per-field problems for invalid_input'),
    }),
  })
  .describe('Every error: 400 bad input, 401 no or bad token, 403 not allowed, 404, 409, 413, 429');

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  // Requests are described as the caller writes them (before transforms and defaults); refinements
  // that JSON Schema cannot say are left to the 400 answer's message.
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
}

/** The query schema's properties as OpenAPI query parameters. */
function queryParameters(query: z.ZodType): object[] {
  const s = jsonSchema(query);
  const props = (s.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' && { description: schema.description }),
    schema,
  }));
}

export const API_OVERVIEW = `Servicetorg's HTTP API. Staff calls live under /api and take \`Authorization: Bearer <token>\` from POST /api/auth/login (or an API key).

**Errors.** Every error is JSON \`{"error": {"code", "message", "details"?}}\` with a 4xx status for what the caller got wrong (400 bad input, 401 no or bad token, 403 role or department not allowed, 404, 409 conflict, 413, 429) and 5xx for ours. Bad input changes nothing.

**Lists.** Lists answer \`{items, nextCursor}\`, newest first; \`nextCursor\` is null on the last page; pass it back as \`?cursor=\`. \`limit\` is 1–500 everywhere (default per list).

**Date filters.** \`from\` and \`to\` take either a plain day (\`2026-12-01\`, a whole UTC day: \`from\` is its start, \`to\` includes all of it) or a date and time with an offset (\`2026-12-01T08:00:00+01:00\`, \`to\` exclusive), on every list, report and export.

**Filter names.** The inquiry list filters its state with \`status\` (the contract name); \`state\` is accepted as an alias, and giving both with different values is a 400.

**Socket.IO** (namespace \`/agents\`, \`auth: {token}\`). Events are named \`domain:verb\` (\`call:incoming\`, \`inquiry:new\`, \`inquiry:updated\`, \`agent:status\`, \`call:accept\`), except \`screen-pop\`, whose name is a published contract and kept. Acknowledgements answer \`{ok: true, ...}\` or \`{ok: false, reason}\`, where HTTP would answer \`{error: {code, message}}\`; each \`reason\` maps to the HTTP status and \`error.code\` of the same refusal:

| reason | HTTP | error.code | means |
| --- | --- | --- | --- |
${Object.entries(ACK_REASONS)
  .map(([reason, m]) => `| ${reason} | ${m.status} | ${m.code} | ${m.means} |`)
  .join('\n')}

**Twilio webhooks** under /webhooks/twilio are Twilio's own form-encoded requests, checked against \`X-Twilio-Signature\` (403 when wrong) and answered with TwiML.`;

export interface OpenApiInfo {
  title: string;
  version: string;
}

/** The OpenAPI 3.1 document for the given routes. */
export function openApiDocument(routes: RouteDoc[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const r of routes) {
    const path = openApiPath(r.path);
    const names = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const parameters = [
      ...names.map((name) => ({ name, in: 'path', required: true, schema: r.params?.[name] ? jsonSchema(r.params[name]) : { type: 'string' } })),
      ...(r.query ? queryParameters(r.query) : []),
    ];
    const res = r.response ?? {};
    const type = res.type ?? 'application/json';
    const operation: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      ...(r.description && { description: r.description }),
      tags: [r.tag],
      ...(r.roles && { 'x-roles': r.roles }),
      security: r.auth === 'bearer' ? [{ bearer: [] }] : r.auth === 'twilio' ? [{ twilioSignature: [] }] : r.auth === 'metrics' ? [{ metrics: [] }] : [],
      ...(parameters.length && { parameters }),
      ...(r.body && { requestBody: { required: true, content: { [r.bodyType ?? 'application/json']: { schema: jsonSchema(r.body) } } } }),
      responses: {
        [String(res.status ?? 200)]: {
          description: res.description ?? 'OK',
          ...(type !== 'none' && { content: { [type]: res.schema ? { schema: jsonSchema(res.schema, 'output') } : {} } }),
        },
        ...(r.auth === 'bearer' && { '401': { description: 'No, unknown or expired token', content: { 'application/json': { schema: errorRef } } } }),
        '4XX': { description: 'The caller got something wrong', content: { 'application/json': { schema: errorRef } } },
      },
    };
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: API_OVERVIEW },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/auth/login, or an API key' },
        twilioSignature: { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: "Twilio's request signature over PUBLIC_BASE_URL + path" },
        metrics: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN when set; otherwise only from this machine' },
      },
    },
  };
}
