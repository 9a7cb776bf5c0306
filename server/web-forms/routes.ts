import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../core/errors';
import { actorOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { clientKey, type RateLimiter } from '../core/rate-limits';
import { formBody, LANGS, type Lang } from './definition';
import { t } from './i18n';
import { discardRest, readMultipart, UploadRefused, type Upload, type UploadDir, type UploadGate, type UploadLimits } from './multipart';
import { renderForm, renderMessage, renderThanks, STYLESHEET } from './render';
import { newSid, type LoadedForm, type WebFormService } from './service';
import type { UploadedFile } from './submission';
import { describeRoutes } from '../core/http/openapi';

/** No script may run on these pages, and they may not be framed or post anywhere but here. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface WebFormRouteDeps {
  service: WebFormService;
  /** Submissions per client (an IPv4 address or an IPv6 /64), on the store every process shares. */
  limiter: RateLimiter;
  limits: UploadLimits;
  /** A form posted without files (application/x-www-form-urlencoded). */
  maxUrlencodedBytes: number;
  uploads: UploadDir;
  gate: UploadGate;
  logger: Logger;
}

const langOf = (req: Request): Lang => {
  const fromBody = (req.body as { lang?: unknown } | undefined)?.lang;
  const q = typeof req.query.lang === 'string' ? req.query.lang : typeof fromBody === 'string' ? fromBody : '';
  return (LANGS as readonly string[]).includes(q) ? (q as Lang) : 'nb';
};
const slugOf = (req: Request) => (/^[a-z0-9][a-z0-9-]{0,62}$/.test(String(req.params.slug)) ? String(req.params.slug) : null);

function html(res: Response, status: number, body: string) {
  res.status(status).setHeader('Content-Security-Policy', CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(body);
}

/** The staff API under /api: GET and POST /forms. */
export function webFormAdminRoutes(deps: { service: WebFormService }): Router {
  const r = Router();
  r.get('/forms', async (_req, res) => res.json({ items: await deps.service.list(actorOf(res)) }));
  r.post('/forms', async (req, res) => res.status(201).json(await deps.service.create(actorOf(res), parse(formBody, req.body))));
  return r;
}

/**
 * Whether to answer with a page or with MISSION.md's JSON error: a browser's form post asks for
 * HTML; a client that asks for JSON, or for anything (no Accept), gets the JSON shape.
 */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

/** An error as a page in the citizen's language, or as JSON. */
function refuse(req: Request, res: Response, status: number, code: string, message: string, page: string, details?: unknown) {
  if (wantsPage(req)) return html(res, status, renderMessage(langOf(req), page));
  res.status(status).json({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}

/** The public pages, /public/forms/:slug: server-rendered, no script, no log-in. */
export function webFormPages(deps: WebFormRouteDeps): Router {
  const r = Router();
  const pub = Router();
  pub.get('/assets/form.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('css').send(STYLESHEET);
  });

  pub.get('/:slug', async (req, res) => {
    const lang = langOf(req);
    const slug = slugOf(req);
    const form = slug ? await deps.service.load(slug) : null;
    if (!form) return html(res, 404, renderMessage(lang, t(lang).notFound));
    html(res, 200, renderForm({ slug: form.slug, lang, def: form.def, values: {}, errors: {}, sid: newSid() }));
  });

  pub.post('/:slug', async (req, res) => {
    const lang = langOf(req);
    // Counted before the body is read or the form looked up, so a burst cannot slip past the check.
    const limited = await deps.limiter.consume(clientKey(req.ip ?? 'unknown'));
    if (!limited.ok) {
      res.setHeader('Retry-After', String(limited.retryAfterSec));
      discardRest(req);
      return refuse(req, res, 429, 'rate_limited', 'Too many submissions from this address; try again later', t(lang).rateLimited);
    }
    const slug = slugOf(req);
    const form = slug ? await deps.service.load(slug) : null;
    if (!form) {
      discardRest(req);
      return refuse(req, res, 404, 'not_found', 'Form not found', t(lang).notFound);
    }
    if (!req.is('multipart/form-data')) {
      await new Promise<void>((resolve, reject) =>
        express.urlencoded({ extended: false, limit: deps.maxUrlencodedBytes, parameterLimit: 100 })(req, res, (err?: Error) =>
          err ? reject(err) : resolve(),
        ),
      );
      const fields = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string'));
      return (await answer(req, res, form, fields as Record<string, string>, []))();
    }
    // Uploads take disk and a connection each while they last: a few at a time per process.
    const leave = deps.gate.tryEnter();
    if (!leave) {
      res.setHeader('Retry-After', '5');
      discardRest(req);
      return refuse(req, res, 503, 'busy', 'Too many uploads at once; try again in a few seconds', t(lang).busy);
    }
    let upload: Upload | null = null;
    let reply: () => void;
    try {
      upload = await readMultipart(req, deps.limits, deps.uploads);
      reply = await answer(req, res, form, upload.fields, upload.files);
    } finally {
      // The files were stored (or refused) with the message, or nothing was: the temporary copies go.
      await upload?.cleanup().catch((err: unknown) => deps.logger.error({ err }, 'temporary upload files could not be removed'));
      leave();
    }
    // Answered once the temporary files are gone and the slot is free.
    reply();
  });

  /** Records the submission and answers how to reply (sent by the caller once its files are cleaned up). */
  async function answer(req: Request, res: Response, form: LoadedForm, fields: Record<string, string>, files: UploadedFile[]): Promise<() => void> {
    const lang = (LANGS as readonly string[]).includes(fields.lang ?? '') ? (fields.lang as Lang) : langOf(req);
    if ((fields.website ?? '').trim() !== '') {
      // A bot filled the field people never see: thank it and record nothing.
      deps.logger.warn({ form: form.slug }, 'web form honeypot filled; submission dropped');
      return () => html(res, 200, renderThanks(lang, form.def.title[lang], null, false));
    }
    const result = await deps.service.submit(form.slug, lang, fields, files);
    if (result.kind === 'invalid') {
      if (!wantsPage(req)) {
        const details = Object.entries(result.errors).map(([field, message]) => ({ path: [field], message }));
        return () => res.status(400).json({ error: { code: 'invalid_submission', message: 'Some answers need correcting', details } });
      }
      return () =>
        html(res, 400, renderForm({ slug: form.slug, lang, def: form.def, values: result.values, errors: result.errors, sid: fields.sid ?? newSid() }));
    }
    return () => html(res, 200, renderThanks(lang, form.def.title[lang], result.reference, result.receipt, result.refused));
  }

  // Errors on the public pages are pages too for a browser, in the citizen's language, never a stack.
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    const lang = langOf(req);
    const e = err as { type?: string; status?: number };
    if (err instanceof UploadRefused) {
      res.setHeader('Connection', 'close');
      return refuse(req, res, err.status, err.code, err.message, err.status === 413 ? t(lang).tooLarge : t(lang).unreadable);
    }
    if (e.type === 'entity.too.large' || e.type === 'parameters.too.many')
      return refuse(req, res, 413, 'too_large', 'The submission is too large', t(lang).tooLarge);
    if (err instanceof AppError && err.status === 404) return refuse(req, res, 404, 'not_found', err.message, t(lang).notFound);
    if (!wantsPage(req) || err instanceof AppError) return next(err);
    // Nothing was stored (the message and its files commit together): the citizen may send again.
    deps.logger.error({ err, path: req.path }, 'web form submission failed');
    html(res, 500, renderMessage(lang, t(lang).failed));
  };
  pub.use(pageErrors);
  r.use('/public/forms', pub);
  return r;
}

const page = { type: 'text/html' };
export const webFormRouteDocs = describeRoutes('web forms', 'bearer', [
  ['GET /api/forms', 'The web forms'],
  ['POST /api/forms', 'Creates a web form', { roles: 'admin', body: formBody, response: { status: 201 } }],
  ['GET /public/forms/assets/form.css', "The forms' stylesheet", { auth: 'none', response: { type: 'text/css' } }],
  ['GET /public/forms/:slug', 'A web form for citizens', { auth: 'none', response: page }],
  ['POST /public/forms/:slug', 'Submits a web form (fields and files)', { auth: 'none', bodyType: 'multipart/form-data', response: page }],
]);
