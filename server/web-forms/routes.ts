import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../core/errors';
import { actorOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { clientKey, type RateLimiter } from '../core/rate-limits';
import { formBody, LANGS, type Lang } from './definition';
import { t } from './i18n';
import { BodyTooLarge, readMultipart } from './multipart';
import { renderForm, renderMessage, renderThanks, STYLESHEET } from './render';
import { newSid, type WebFormService } from './service';
import type { UploadedFile } from './submission';

/** No script may run on these pages, and they may not be framed or post anywhere but here. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface WebFormRouteDeps {
  service: WebFormService;
  /** Submissions per client (an IPv4 address or an IPv6 /64), on the store every process shares. */
  limiter: RateLimiter;
  limits: { maxFileBytes: number; maxFieldBytes: number; maxFiles: number; maxBodyBytes: number };
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
    let lang = langOf(req);
    // Counted before the body is read or the form looked up, so a burst cannot slip past the check.
    const limited = await deps.limiter.consume(clientKey(req.ip ?? 'unknown'));
    if (!limited.ok) {
      res.setHeader('Retry-After', String(limited.retryAfterSec));
      return html(res, 429, renderMessage(lang, t(lang).rateLimited));
    }
    const slug = slugOf(req);
    const form = slug ? await deps.service.load(slug) : null;
    if (!form) return html(res, 404, renderMessage(lang, t(lang).notFound));

    let fields: Record<string, string>;
    let files: UploadedFile[] = [];
    if (req.is('multipart/form-data')) {
      ({ fields, files } = await readMultipart(req, deps.limits));
    } else {
      await new Promise<void>((resolve, reject) =>
        express.urlencoded({ extended: false, limit: deps.limits.maxBodyBytes, parameterLimit: 100 })(req, res, (err?: Error) =>
          err ? reject(err) : resolve(),
        ),
      );
      fields = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<
        string,
        string
      >;
    }
    lang = (LANGS as readonly string[]).includes(fields.lang ?? '') ? (fields.lang as Lang) : lang;

    if ((fields.website ?? '').trim() !== '') {
      // A bot filled the field people never see: thank it and record nothing.
      deps.logger.warn({ form: form.slug }, 'web form honeypot filled; submission dropped');
      return html(res, 200, renderThanks(lang, form.def.title[lang], null, false));
    }
    const result = await deps.service.submit(form.slug, lang, fields, files);
    if (result.kind === 'invalid') {
      return html(res, 400, renderForm({ slug: form.slug, lang, def: form.def, values: result.values, errors: result.errors, sid: fields.sid ?? newSid() }));
    }
    html(res, 200, renderThanks(lang, form.def.title[lang], result.reference, result.receipt));
  });

  // Errors on the public pages are pages too, in the citizen's language, never JSON or a stack.
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    const lang = langOf(req);
    const e = err as { type?: string; status?: number };
    if (err instanceof BodyTooLarge || e.type === 'entity.too.large' || e.type === 'parameters.too.many')
      return html(res, 413, renderMessage(lang, t(lang).tooLarge));
    if (err instanceof AppError && err.status === 404) return html(res, 404, renderMessage(lang, t(lang).notFound));
    next(err);
  };
  pub.use(pageErrors);
  r.use('/public/forms', pub);
  return r;
}
