import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../core/errors';
import { clientKey } from '../core/rate-limits';
import { consentTexts } from './consent.texts';
import {
  renderDetails,
  renderLeave,
  renderMessage,
  renderStart,
  renderStreets,
  STYLESHEET,
  type DetailsView,
  type FoundPlace,
  type PageErrors,
} from './pages.render';
import { pageTexts } from './pages.texts';
import type { SubscriptionRepository } from './subscriptions.repository';
import { isAlertLang, type AlertLang } from './subscriptions.schemas';
import type { Subscriptions } from './subscriptions.service';
import { ipOf } from './subscriptions.routes';
import { describeRoutes } from '../core/http/openapi';

/** As the web forms: no script may run, no framing, and forms post only here. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/*
 * No CSRF token, as on the web forms: the pages hold no session or cookie a forged post could
 * borrow; what authorises a change is the code from the SMS, which a forging site does not have.
 * Abuse is held by the code limits (per number and per client, on the shared store) and the SMS
 * feature's country allow-list and daily cap.
 */

const one = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');
/** Repeated fields (street, category) as a bounded list of bounded strings. */
const many = (v: unknown, max = 500): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .filter((x): x is string => typeof x === 'string')
    .slice(0, max)
    .map((x) => x.slice(0, 32));
const idOf = (v: string) => (/^\d{1,10}$/.test(v) ? Number(v) : null);

/** A browser's form post asks for HTML; a client asking for JSON (or anything) gets the JSON shape. */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

function html(res: Response, status: number, body: string) {
  res.status(status).setHeader('Content-Security-Policy', CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(body);
}

export interface AlertPagesDeps {
  subscriptions: Subscriptions;
  repo: SubscriptionRepository;
  /** The address register's search as you type, folded for case and diacritics. */
  places: {
    localities(q: string, limit: number): Promise<FoundPlace[]>;
    streets(localityId: number, q: string, limit: number): Promise<FoundPlace[]>;
  };
  defaultLang: AlertLang;
  logger: Logger;
}

/** /public/alerts: find the place, pick streets, then categories, number, code and consent; and leaving. */
export function alertPages(deps: AlertPagesDeps): Router {
  const r = Router();
  const s = deps.subscriptions;
  const form = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 1100 });
  const langOf = (req: Request): AlertLang => {
    const v = (req.body as Record<string, unknown> | undefined)?.lang ?? req.query.lang;
    return isAlertLang(v) ? v : deps.defaultLang;
  };

  r.get('/public/alerts/assets/alerts.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('css').send(STYLESHEET);
  });

  r.get('/public/alerts', async (req, res) => {
    const lang = langOf(req);
    const q = one(req.query.q, 100).trim();
    html(res, 200, renderStart({ lang, q, localities: q ? await deps.places.localities(q, 20) : null }));
  });

  /** The locality and the streets named in a query or form, only those that are really in it. */
  async function place(src: Record<string, unknown>) {
    const id = idOf(one(src.locality, 20));
    const locality = id === null ? null : await deps.repo.locality(id);
    if (!locality) return null;
    const ids = many(src.street)
      .map(idOf)
      .filter((x): x is number => x !== null);
    const streets = (await deps.repo.streets(ids)).filter((x) => x.localityId === locality.id);
    return { locality, streets };
  }
  /** A bot filled the field people never see: it gets the page a person would, and nothing is sent or stored. */
  const botFilled = (res: Response, page: string) => {
    deps.logger.warn('alerts page honeypot filled; nothing sent');
    html(res, 200, page);
  };
  const unknownPlace = (res: Response, lang: AlertLang) => html(res, 404, renderMessage(lang, pageTexts(lang).unknownPlace, null));

  r.get('/public/alerts/choose-streets', async (req, res) => {
    const lang = langOf(req);
    const p = await place(req.query);
    if (!p) return unknownPlace(res, lang);
    const sq = one(req.query.sq, 100).trim();
    const results = await deps.places.streets(p.locality.id, sq, 50);
    html(res, 200, renderStreets({ lang, locality: p.locality, sq, results, chosen: p.streets }));
  });

  r.get('/public/alerts/details', async (req, res) => {
    const lang = langOf(req);
    const p = await place(req.query);
    if (!p) return unknownPlace(res, lang);
    const categories = await deps.repo.allCategories();
    html(res, 200, renderDetails({ lang, ...p, categories, chosenCategories: [], phone: '', consent: null, codeSent: false, errors: {} }));
  });

  r.post('/public/alerts/details', form, async (req, res) => {
    const lang = langOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const phone = one(b.phone, 40);
    const input = { locality: one(b.locality, 20), streets: many(b.street), categories: many(b.category, 50) };
    // Unknown names refuse the post as the JSON endpoint does (400 naming them); a browser gets a page.
    const resolved = await s.resolve(input).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'unknown_reference' && wantsPage(req)) return null;
      throw e;
    });
    if (!resolved) return html(res, 400, renderMessage(lang, pageTexts(lang).unknownPlace, null));
    const view: DetailsView = {
      lang,
      locality: resolved.locality,
      streets: resolved.streets,
      categories: await deps.repo.allCategories(),
      chosenCategories: resolved.categories.map((c) => c.code),
      phone,
      consent: null,
      codeSent: false,
      errors: {},
    };
    const consentFor = (e164: string) =>
      consentTexts(lang).agree({
        phone: e164,
        locality: resolved.locality.name,
        streets: resolved.streets.map((x) => x.name),
        categories: resolved.categories.map((c) => c.name),
      });
    const step = one(b.step, 16);
    if (one(b.website, 200).trim()) return botFilled(res, renderDetails({ ...view, consent: consentFor(phone), codeSent: true }));
    try {
      if (step === 'confirm') {
        const done = await s.subscribe(
          {
            phone,
            code: one(b.code, 32),
            locality: input.locality,
            streets: resolved.streets.map((x) => String(x.id)),
            categories: view.chosenCategories,
            language: lang,
          },
          { via: 'web', client: ipOf(req) },
        );
        return html(res, 200, renderMessage(lang, pageTexts(lang).doneTitle, pageTexts(lang).doneBody(done.phone)));
      }
      await s.requestCode(phone, clientKey(ipOf(req)), lang);
      html(res, 200, renderDetails({ ...view, consent: consentFor(s.phoneOf(phone)), codeSent: true }));
    } catch (e) {
      const refused = asPageErrors(e, lang, req, res);
      const e164 = refused.errors.phone ? null : s.phoneOf(phone);
      html(
        res,
        refused.status,
        renderDetails({ ...view, consent: e164 && step === 'confirm' ? consentFor(e164) : null, codeSent: step === 'confirm', errors: refused.errors }),
      );
    }
  });

  r.get('/public/alerts/leave', (req, res) => {
    html(res, 200, renderLeave({ lang: langOf(req), phone: '', codeSent: false, errors: {} }));
  });

  r.post('/public/alerts/leave', form, async (req, res) => {
    const lang = langOf(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const phone = one(b.phone, 40);
    const step = one(b.step, 16);
    if (one(b.website, 200).trim()) return botFilled(res, renderLeave({ lang, phone, codeSent: true, errors: {} }));
    try {
      if (step === 'confirm') {
        const left = await s.unsubscribe(phone, one(b.code, 32), { via: 'web', client: ipOf(req) }, lang);
        return html(res, 200, renderMessage(lang, pageTexts(lang).leftTitle, pageTexts(lang).leftBody(left.phone), '/leave'));
      }
      await s.requestCode(phone, clientKey(ipOf(req)), lang);
      html(res, 200, renderLeave({ lang, phone, codeSent: true, errors: {} }));
    } catch (e) {
      const refused = asPageErrors(e, lang, req, res);
      html(res, refused.status, renderLeave({ lang, phone, codeSent: step === 'confirm' && !refused.errors.phone, errors: refused.errors }));
    }
  });

  // A body too large or unreadable: a page for a browser, the JSON shape for anyone else.
  const pageErrors: ErrorRequestHandler = (err, req, res, next) => {
    const e = err as { type?: string; status?: number };
    if (!wantsPage(req) || !(e.type === 'entity.too.large' || e.type === 'parameters.too.many')) return next(err);
    const lang = isAlertLang(req.query.lang) ? req.query.lang : deps.defaultLang;
    html(res, 413, renderMessage(lang, pageTexts(lang).tooLarge, null));
  };
  r.use('/public/alerts', pageErrors);
  return r;
}

/**
 * The service's refusals as messages beside the fields they concern, for a browser; anything
 * else, and every refusal to a client that asked for JSON, goes on to the JSON error handler.
 */
function asPageErrors(e: unknown, lang: AlertLang, req: Request, res: Response): { status: number; errors: PageErrors } {
  if (!(e instanceof AppError) || !wantsPage(req)) throw e;
  for (const [k, v] of Object.entries(e.headers ?? {})) res.setHeader(k, v);
  const t = pageTexts(lang);
  if (e.code === 'invalid_code') return { status: 400, errors: { code: t.invalidCode } };
  if (e.code === 'rate_limited') return { status: 429, errors: { phone: t.rateLimited } };
  if (e.code === 'invalid_input') return { status: 400, errors: { phone: t.invalidPhone } };
  throw e;
}

const page = { type: 'text/html' };
const formType = 'application/x-www-form-urlencoded' as const;
export const alertPageDocs = describeRoutes('alerts', 'none', [
  ['GET /public/alerts/assets/alerts.css', "The pages' stylesheet", { response: { type: 'text/css' } }],
  ['GET /public/alerts', 'Subscription page: choose a locality', { response: page }],
  ['GET /public/alerts/choose-streets', 'Subscription page: choose streets', { response: page }],
  ['GET /public/alerts/details', 'Subscription page: number, categories and code', { response: page }],
  ['POST /public/alerts/details', 'Subscription page: ask for a code or confirm with it', { bodyType: formType, response: page }],
  ['GET /public/alerts/leave', 'Unsubscribe page', { response: page }],
  ['POST /public/alerts/leave', 'Unsubscribe page: ask for a code or confirm with it', { bodyType: formType, response: page }],
]);
