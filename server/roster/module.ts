import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import { localDate } from '../core/local-time';
import type { Register } from '../register/module';
import type { SmsFeature } from '../sms/module';
import { AccountSms } from './account-sms';
import { RosterAccountsRepository } from './accounts.repository';
import { RESET_QUEUE, RosterAccounts, type ResetLimits } from './accounts.service';
import { RosterAudience } from './audience';
import { RosterEmergencies } from './emergency.service';
import { RosterImportService } from './import.service';
import { RosterPeopleRepository } from './people.repository';
import { RosterPeopleService } from './people.service';
import { rosterRouteDocs, rosterRoutes } from './routes';

export type RosterFeature = ReturnType<typeof createRoster>;
export { RosterAudience } from './audience';

export interface RosterOptions {
  /** Password resets asked per number and per unit in an hour. */
  resetLimits?: Partial<ResetLimits>;
}

/**
 * Group and account SMS from a roster (seed 002): the people units push, the `roster` audience of
 * the one send engine, welcome messages and password resets by SMS, the emergency message. The
 * root registers `audience` with the SMS feature and routes inbound SMS to `received`.
 */
export function createRoster(kernel: Kernel, deps: { register: Register; sms: SmsFeature | null }, opts: RosterOptions = {}) {
  const { config, db, clock, logger, audit, jobs, rateLimits } = kernel;
  const { register, sms } = deps;
  const today = () => localDate(clock(), config.timeZone);
  const peopleRepo = new RosterPeopleRepository({ db });
  const people = new RosterPeopleService({
    db,
    people: peopleRepo,
    departments: register.departments,
    audit,
    clock,
    defaultCountry: config.defaultCountry,
    timeZone: config.timeZone,
  });
  const imports = new RosterImportService({ db, people: peopleRepo, service: people, departments: register.departments, audit });
  const audience = new RosterAudience({ people: peopleRepo, departments: register.departments, today });
  const accountSms = sms
    ? new AccountSms({
        db,
        messages: register.messages,
        inquiries: register.inquiries,
        contacts: register.contacts,
        departments: register.departments,
        outbound: sms.outbound,
        clock,
      })
    : null;
  const accounts = accountSms
    ? new RosterAccounts({
        db,
        accounts: new RosterAccountsRepository({ db }),
        people: peopleRepo,
        departments: register.departments,
        sms: accountSms,
        hooks: kernel.outbound,
        jobs,
        audit,
        rateLimits,
        clock,
        today,
        logger,
        limits: opts.resetLimits,
      })
    : null;
  if (accounts) jobs.handle<{ id: number }>(RESET_QUEUE, { run: (data, ctx) => accounts.runReset(Number(data.id), ctx) });
  const emergencies = sms ? new RosterEmergencies({ db, sms, people: peopleRepo, departments: register.departments, clock }) : null;
  // A reset keyword is answered by the reset; anything else may be an answer to an emergency.
  if (sms && accounts && emergencies) sms.inboundSms.onMessage(async (m) => (await accounts.received(m)) || emergencies.received(m));

  return {
    routes: { api: accounts ? rosterRoutes({ people, imports, accounts, emergencies }) : undefined, docs: accounts ? rosterRouteDocs : undefined },
    people,
    imports,
    accounts,
    emergencies,
    audience,
  } satisfies Feature & Record<string, unknown>;
}
