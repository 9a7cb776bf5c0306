import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { SmsFeature } from '../sms/module';
import { AlertCodeRepository } from './codes.repository';
import { AlertCodes, type CodeRules } from './codes.service';
import { alertPageDocs, alertPages } from './pages.routes';
import { SubscriptionRepository } from './subscriptions.repository';
import { subscriptionRouteDocs, subscriptionRoutes, subscriptionStaffRoutes } from './subscriptions.routes';
import { langOfCountry } from './subscriptions.schemas';
import { Subscriptions } from './subscriptions.service';
import { AddressRegisterRepository } from './address-register.repository';
import { reminderRouteDocs } from './reminders/routes';
import { addressRegisterRouteDocs, addressRegisterRoutes } from './address-register.routes';
import { AddressRegisterService } from './address-register.service';
import { AlertCategoryService } from './categories';
import { createReminders, type ReminderOptions } from './reminders/module';
import { engineReminderSends } from './reminders/engine-sends';

export type AlertsFeature = ReturnType<typeof createAlerts>;

export interface AlertsOptions {
  /** Limits of the one-time codes (tests shorten them). */
  codes?: Partial<CodeRules>;
  /** The department whose SMS number codes go from; default `alerts`, else the default SMS number. */
  department?: string;
  /** The reminder modules: the send engine's call (wired by the root), settings' defaults, tick period. */
  reminders?: ReminderOptions;
  /** Searches of localities and streets one client may make per minute (default 300: five a second, typing fast). */
  searchesPerMinute?: number;
}

/**
 * Resident SMS alerts (seed 001): the official address register, residents' own subscriptions
 * confirmed by SMS codes, and the audiences officers' sends pick from them. Sending itself goes
 * through the SMS feature's one send engine.
 */
export function createAlerts(kernel: Kernel, deps: { register: Register; sms: SmsFeature | null }, opts: AlertsOptions = {}) {
  const { config, db, clock, logger, audit, rateLimits } = kernel;
  const { register, sms } = deps;

  // Subscriptions: codes go out as automatic SMS (country allow-list, daily cap for codes), kept
  // out of the register like the case-status codes, from the alerts department's number if it has one.
  const alertsNumber = async (): Promise<string | null> => {
    const dep = await register.departments.byCode(opts.department ?? 'alerts');
    const own = dep ? (await register.departments.addresses()).filter((a) => a.channel === 'sms' && a.departmentId === dep.id) : [];
    return (own.find((a) => a.isDefault) ?? own[0])?.address ?? null;
  };
  const sendCode = sms
    ? async (to: string, body: string) => {
        const r = await sms.sender.send({ messageId: 0, inquiryId: null, to, from: await alertsNumber(), body, meta: { purpose: 'one-time-code' } });
        if (r.status === 'stopped' || r.status === 'failed')
          logger.warn({ status: r.status, reason: r.detail?.reason ?? r.detail?.errorCode }, 'alerts: code SMS not sent');
      }
    : null;
  const codeRepo = new AlertCodeRepository({ db });
  const subscriptionRepo = new SubscriptionRepository({ db });
  const defaultLang = langOfCountry(config.defaultCountry);
  const subscriptions = new Subscriptions({
    db,
    repo: subscriptionRepo,
    codes: new AlertCodes({ codes: codeRepo, rateLimits, send: sendCode, clock, logger, rules: opts.codes }),
    codeRepo,
    audit,
    clock,
    defaultCountry: config.defaultCountry,
    defaultLang,
  });
  sms?.inboundSms.onStop((stop) => subscriptions.stop(stop.phone, stop.ourNumber, stop.at));

  // The address register and categories residents choose from, and the staff who keep them.
  const addressRegister = new AddressRegisterService({ db, audit, clock, repo: new AddressRegisterRepository({ db }) });
  const categories = new AlertCategoryService({ db, audit, clock });
  const registerRoutes = addressRegisterRoutes({
    register: addressRegister,
    categories,
    search: { limiter: rateLimits.limiter('alert-search-client', { points: opts.searchesPerMinute ?? 300, durationSec: 60 }) },
  });

  const pub = Router();
  pub.use(registerRoutes.public);
  pub.use(subscriptionRoutes({ subscriptions }));
  pub.use(alertPages({ subscriptions, repo: subscriptionRepo, places: addressRegister, defaultLang, logger }));
  const api = Router();
  api.use(registerRoutes.api);
  api.use(subscriptionStaffRoutes({ subscriptions }));
  // Reminder modules: schedules and notices in, reminders out through the send engine, each once.
  const reminders = createReminders(kernel, { from: alertsNumber }, opts.reminders);
  if (sms) reminders.connect(engineReminderSends(sms));
  api.use(reminders.routes);

  return {
    routes: { public: pub, api, docs: [...addressRegisterRouteDocs, ...subscriptionRouteDocs, ...alertPageDocs, ...reminderRouteDocs] },
    background: reminders.background,
    subscriptions,
    addressRegister,
    categories,
    reminders: reminders.reminders,
    reminderSettings: reminders.settings,
    /** The root wires the SMS send engine to the reminder modules with this (see reminders/sends.ts). */
    connectReminderSends: reminders.connect,
  } satisfies Feature & Record<string, unknown>;
}
