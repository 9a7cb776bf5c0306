import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { UserRepository } from '../auth/module';
import { JOURNAL_QUEUE, JournalService } from './journal.service';
import { JournalRepository } from './journal.repository';
import { journalRouteDocs, journalRoutes } from './routes';

export type { JournalService } from './journal.service';

export type JournalFeature = ReturnType<typeof createJournal>;

export interface JournalOptions {
  /** Runs per archive post before it is a dead letter. */
  attempts?: number;
  /** How often messages that missed journaling are looked for. */
  reconcileEveryMs?: number;
}

/**
 * Journaling for every channel, as public-records law asks: matching messages become numbered
 * posts, delivered to the archive as retried jobs; the records role reads, retries and exports.
 */
export function createJournal(
  kernel: Kernel,
  deps: { register: Register; users: UserRepository },
  opts: JournalOptions = {},
): Feature & { service: JournalService; repository: JournalRepository } {
  const { db, clock, logger, audit, jobs, outbound } = kernel;
  const { register } = deps;
  const repository = new JournalRepository({ db });
  const service = new JournalService({
    db,
    journal: repository,
    messages: register.messages,
    inquiries: register.inquiries,
    cases: register.cases,
    contacts: register.contacts,
    departments: register.departments,
    users: deps.users,
    audit,
    outbound,
    jobs,
    clock,
    logger,
    attempts: opts.attempts,
  });
  service.listen(register.events);
  jobs.handle<{ entryId: number }>(JOURNAL_QUEUE, { run: (x) => service.deliver(Number(x.entryId)), dead: (x, err) => service.dead(Number(x.entryId), err) });
  return {
    service,
    repository,
    routes: { api: journalRoutes({ journal: service }), docs: journalRouteDocs },
    background: [repeating('journal reconcile', opts.reconcileEveryMs ?? 10 * 60_000, () => service.reconcile(), logger, { runAtStart: true })],
  };
}
