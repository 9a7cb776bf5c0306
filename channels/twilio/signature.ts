import { timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import twilio from 'twilio';

export interface TwilioWebhookOptions {
  authToken: string;
  publicBaseUrl: string;
  /** Largest form accepted (default 64 kB) and most fields (default 200). */
  limit?: string;
  parameterLimit?: number;
}

const refuse = (res: express.Response, status: number, code: string, message: string) =>
  res.status(status).type('application/json').send({ error: { code, message } });

/** Constant-time comparison of two signatures (the length of ours is not secret). */
function matches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The one check every Twilio webhook passes before anything reads its body: a form (400 if the
 * request is not form-encoded), then Twilio's signature over PUBLIC_BASE_URL + the path and query
 * Twilio called, with the form fields as params (403 if it does not match).
 */
export function twilioWebhook(opts: TwilioWebhookOptions): RequestHandler[] {
  const isForm: RequestHandler = (req, res, next) =>
    req.is('application/x-www-form-urlencoded') ? next() : refuse(res, 400, 'malformed_form', 'Twilio webhooks are form-encoded');
  const form = express.urlencoded({ extended: false, limit: opts.limit ?? '64kb', parameterLimit: opts.parameterLimit ?? 200 });
  const verify: RequestHandler = (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const url = opts.publicBaseUrl + req.originalUrl;
    // The URL exactly as configured is what Twilio signs: one HMAC. The SDK's check (the URL with
    // and without its port, and normalised forms, each parsed and hashed) only when that fails.
    if (
      !signature ||
      !(matches(signature, twilio.getExpectedTwilioSignature(opts.authToken, url, params)) || twilio.validateRequest(opts.authToken, signature, url, params))
    ) {
      return refuse(res, 403, 'invalid_signature', 'X-Twilio-Signature does not match this request');
    }
    next();
  };
  return [isForm, form, verify];
}
