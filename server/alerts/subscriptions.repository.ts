import { In, type EntityManager } from 'typeorm';
import { type Database } from '../core/db/database';
import {
  AlertCategoryEntity,
  LocalityEntity,
  StreetEntity,
  SubscriberCategoryEntity,
  SubscriberEntity,
  SubscriberStreetEntity,
  type AlertCategory,
  type Locality,
  type Street,
  type Subscriber,
} from './entities';
import { AlertConsentEntity, type AlertConsent } from './consent.entities';

export interface SubscriberChoice {
  subscriber: Subscriber;
  locality: Locality | null;
  streets: Street[];
  categories: AlertCategory[];
}

/** Residents' subscriptions and their consent records, and the register rows a choice names. */
export class SubscriptionRepository {
  constructor(private readonly deps: { db: Database }) {}

  private m(m?: EntityManager) {
    return m ?? this.deps.db.dataSource.manager;
  }

  locality(id: number, m?: EntityManager): Promise<Locality | null> {
    return this.m(m).getRepository(LocalityEntity).findOne({ where: { id } });
  }

  streets(ids: number[], m?: EntityManager): Promise<Street[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.m(m)
      .getRepository(StreetEntity)
      .find({ where: { id: In(ids) }, order: { name: 'ASC' } });
  }

  categories(codes: string[], m?: EntityManager): Promise<AlertCategory[]> {
    if (!codes.length) return Promise.resolve([]);
    return this.m(m)
      .getRepository(AlertCategoryEntity)
      .find({ where: { code: In(codes) }, order: { name: 'ASC' } });
  }

  allCategories(): Promise<AlertCategory[]> {
    return this.m()
      .getRepository(AlertCategoryEntity)
      .find({ order: { name: 'ASC' } });
  }

  byPhone(phone: string, m?: EntityManager): Promise<Subscriber | null> {
    return this.m(m).getRepository(SubscriberEntity).findOne({ where: { phone } });
  }

  /** The subscriber with the places and interests they chose. */
  async choiceOf(subscriber: Subscriber, m?: EntityManager): Promise<SubscriberChoice> {
    const mm = this.m(m);
    const streetIds = (await mm.getRepository(SubscriberStreetEntity).find({ where: { subscriberId: subscriber.id } })).map((r) => r.streetId);
    const codes = (await mm.getRepository(SubscriberCategoryEntity).find({ where: { subscriberId: subscriber.id } })).map((r) => r.categoryCode);
    const found = await this.categories(codes, mm);
    // A category removed from the list since stays visible in the resident's own data by its code.
    const missing = codes.filter((c) => !found.some((f) => f.code === c)).map((code) => ({ id: 0, code, name: code, updatedAt: subscriber.updatedAt }));
    return {
      subscriber,
      locality: await this.locality(subscriber.localityId, mm),
      streets: await this.streets(streetIds, mm),
      categories: [...found, ...missing],
    };
  }

  /** Creates the number's subscriber or replaces its whole choice; active again if it had left. */
  async save(
    row: Pick<Subscriber, 'phone' | 'localityId' | 'language'>,
    streetIds: number[],
    categoryCodes: string[],
    now: Date,
    m: EntityManager,
  ): Promise<{ subscriber: Subscriber; created: boolean }> {
    const repo = m.getRepository(SubscriberEntity);
    const existing = await repo.findOne({ where: { phone: row.phone } });
    const fields = { ...row, wholeLocality: streetIds.length === 0, state: 'active' as const, leftAt: null, updatedAt: now };
    let subscriber: Subscriber;
    if (existing) {
      await repo.update({ id: existing.id }, fields);
      subscriber = { ...existing, ...fields };
      await m.getRepository(SubscriberStreetEntity).delete({ subscriberId: existing.id });
      await m.getRepository(SubscriberCategoryEntity).delete({ subscriberId: existing.id });
    } else {
      subscriber = (await repo.save({ ...fields, createdAt: now })) as Subscriber;
    }
    if (streetIds.length) await m.getRepository(SubscriberStreetEntity).insert(streetIds.map((streetId) => ({ subscriberId: subscriber.id, streetId })));
    if (categoryCodes.length)
      await m.getRepository(SubscriberCategoryEntity).insert(categoryCodes.map((categoryCode) => ({ subscriberId: subscriber.id, categoryCode })));
    return { subscriber, created: !existing };
  }

  /** Marks an active subscriber as left; the choice stays for the history. False when not active. */
  async leave(id: number, now: Date, m: EntityManager): Promise<boolean> {
    const r = await m
      .getRepository(SubscriberEntity)
      .createQueryBuilder()
      .update()
      .set({ state: 'left', leftAt: now, updatedAt: now })
      .where("id = :id AND state = 'active'", { id })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  async addConsent(row: Omit<AlertConsent, 'id'>, m: EntityManager): Promise<void> {
    await m.getRepository(AlertConsentEntity).insert(row);
  }

  /** Every consent record of a number, oldest first. */
  consentsOf(phone: string): Promise<AlertConsent[]> {
    return this.m()
      .getRepository(AlertConsentEntity)
      .find({ where: { phone }, order: { id: 'ASC' } });
  }
}
