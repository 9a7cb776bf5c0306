import type { Database } from '../core/db/database';
import type { CaseRepository, Department } from '../register/module';
import { chooseInquiry, planMessage, planNewCitizen, type Plan, type PlanDeps, type Prepared, type Written } from './inbound-plan';

export interface BatchItem {
  p: Prepared;
  department: Department;
  departments: Department[];
}

interface Waiting extends BatchItem {
  resolve(written: Written): void;
  reject(error: unknown): void;
}

export interface BatcherDeps extends PlanDeps {
  db: Database;
  cases: CaseRepository;
  /** The one-message path, for whatever a batch does not take or cannot finish. */
  alone(item: BatchItem): Promise<Written>;
  /** Messages per transaction (default 64). */
  maxBatch?: number;
  /** Batches in flight at once, each on its own pooled connection (default 4). */
  maxRunning?: number;
}

/**
 * Whether a message can go in a batch: its rules need nothing read but its contact's row and the
 * cases its text may name, which the batch reads with the locks. A thread hint (whose sender must
 * be checked against the inquiry it names) or an address that is not a contact's take the
 * one-message path.
 */
export function batchable(p: Prepared): boolean {
  return !p.input.thread && !(!p.key && p.continuation);
}

const keyOf = (p: Prepared) => (!p.key ? null : 'phone' in p.key ? `p ${p.key.phone}` : `e ${p.key.email}`);

/**
 * Group commit for inbound messages. Deliveries that arrive while earlier ones are being written
 * share one transaction of two round trips — every contact lock with the start, every write with
 * the commit — instead of two round trips each; on a busy line most of a webhook's cost was those
 * round trips (bench/sms-inbound). Each caller's promise settles only after that commit, so a
 * webhook is still answered after its message is stored. Anything out of the ordinary — a second
 * message of the same citizen, a unique key broken by a duplicate delivery or a race, a deadlock
 * past the retries — goes to the one-message path, which sorts it out as it always did.
 */
export class InboundBatcher {
  private queue: Waiting[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly deps: BatcherDeps) {}

  record(item: BatchItem): Promise<Written> {
    return new Promise<Written>((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    const maxRunning = this.deps.maxRunning ?? 4;
    if (this.scheduled || this.running >= maxRunning || !this.queue.length) return;
    this.scheduled = true;
    // What arrives in this turn of the event loop goes together.
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length && this.running < maxRunning) {
        const batch = this.queue.splice(0, this.deps.maxBatch ?? 64);
        this.running++;
        void this.run(batch).finally(() => {
          this.running--;
          this.schedule();
        });
      }
    });
  }

  private async run(items: Waiting[]): Promise<void> {
    const locking = new Map<string, Waiting>();
    const free: Waiting[] = [];
    for (const it of items) {
      const key = keyOf(it.p);
      if (key === null) free.push(it);
      // A second message of one citizen waits for the first's lock on its own.
      else if (locking.has(key)) this.alone(it);
      else locking.set(key, it);
    }
    // Every batch locks contacts in the same order, so two batches never wait for each other.
    const locked = [...locking.keys()].sort().map((k) => locking.get(k)!);
    const batch = [...locked, ...free];
    if (!batch.length) return;
    let plans: Plan[] = [];
    let results: Record<string, unknown>[][];
    try {
      results = await this.deps.db.transaction(async (m, steps) => {
        // The first round trip: every contact lock, then for each message whose text may name a
        // case, the cases it names with whether its sender is a party (no round trip of its own).
        const naming = batch.map((it) => (it.p.caseCandidates.length ? this.deps.cases.naming(it.p.caseCandidates, it.p.key, m) : null));
        const reads = [...locked.map((it) => this.deps.contacts.locking(it.p.key!, m, it.p.continuation ?? undefined)), ...naming.filter((x) => x !== null)];
        const rows = reads.length ? await steps.together(reads) : [];
        let at = locked.length;
        const named = naming.map((x, i) => (x ? this.deps.cases.namedFrom(rows[at++], batch[i].p.caseCandidates, m) : null));
        plans = batch.map((it, i) => {
          if (i >= locked.length) return planMessage(this.deps, it.p, null, null, named[i], it.department, it.departments, m);
          const owner = this.deps.contacts.ownerFrom(rows[i], m, it.p.continuation ?? undefined);
          if (!owner) return planNewCitizen(this.deps, it.p, it.p.key!, named[i], it.department, m);
          const inquiry = it.p.continuation ? chooseInquiry(owner.continuable ?? [], named[i]) : null;
          return planMessage(this.deps, it.p, owner.contact, inquiry, named[i], it.department, it.departments, m);
        });
        return steps.commitWith(plans.flatMap((x) => x.statements));
      });
    } catch {
      // The batch did not commit: each message goes again on its own. (Had the connection died
      // just after the commit, that path finds each message stored and answers it as a repeat.)
      for (const it of batch) this.alone(it);
      return;
    }
    // Committed: from here on nothing goes again, whatever happens.
    let at = 0;
    batch.forEach((it, i) => {
      const mine = results.slice(at, (at += plans[i].rowsets));
      try {
        it.resolve(plans[i].written(mine));
      } catch (e) {
        it.reject(e);
      }
    });
  }

  private alone(it: Waiting): void {
    this.deps.alone(it).then(it.resolve, it.reject);
  }
}
