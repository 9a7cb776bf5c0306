import express, { type RequestHandler } from 'express';
import twilio from 'twilio';

/**
 * Form parsing plus Twilio's signature check, before anything reads the body: the URL signed is
 * PUBLIC_BASE_URL + the path and query Twilio called, the params are the form fields.
 */
export function twilioWebhook(opts: { authToken: string; publicBaseUrl: string }): RequestHandler[] {
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
  const verify: RequestHandler = (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const url = opts.publicBaseUrl + req.originalUrl;
    if (!signature || !twilio.validateRequest(opts.authToken, signature, url, params)) {
      res
        .status(403)
        .type('application/json')
        .send({ error: { code: 'invalid_signature', message: 'X-Twilio-Signature does not match this request' } });
      return;
    }
    next();
  };
  return [form, verify];
}
