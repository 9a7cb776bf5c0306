import { isAllowedHost, linkedHosts } from './links';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import type { SmsPolicyRepository } from './policy.repository';
import type { SmsSendRepository } from './sends.repository';
import { assertAdmin, type Actor } from '../core/access';
import { badRequest } from '../core/errors';
import type { SendGate } from './sends.service';
import type { SmsLimits } from './limits.service';

/** A send is unusual when it is more than `factor` × the sender's 30-day daily average and over `floor` recipients. */
export interface VolumeRule {
  factor: number;
  floor: number;
}
export const DEFAULT_VOLUME_RULE: VolumeRule = { factor: 5, floor: 500 };
const DAY_MS = 24 * 3600_000;

export interface SmsPolicyDeps {
  db: Database;
  policy: SmsPolicyRepository;
  sends: SmsSendRepository;
  audit: AuditRepository;
  clock: () => Date;
  volume?: VolumeRule;
  /** Country allow-list, batch size without TOTP and the per-user daily cap. */
  limits: SmsLimits;
}

const HOST = /^(?=.{3,191}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$/;

/**
 * Which sends wait for a person before anything leaves: a sender number an admin paused, a link
 * to a host not on the allow-list, or a volume far above the sender's normal traffic. Admins keep
 * the allow-list and the operator prefix table here, so none of it needs configuration.
 */
export class SmsPolicy implements SendGate {
  private prefixes: { at: number; rows: { prefix: string; operator: string }[] } | null = null;

  constructor(private readonly deps: SmsPolicyDeps) {}

  async hold(send: { sender: string; body: string; recipients: number; actor: { id: number; totpEnabled: boolean } }) {
    if (await this.senderPaused(send.sender)) return { state: 'paused' as const, reason: null, pausedBy: 'sender' as const };
    const allowed = (await this.deps.policy.allowList()).map((a) => a.host);
    const urls = linkedHosts(send.body).filter((h) => !isAllowedHost(h, allowed));
    const rule = this.deps.volume ?? DEFAULT_VOLUME_RULE;
    let volume: { recipients: number; dailyAverage: number } | undefined;
    if (send.recipients > rule.floor) {
      const last30 = await this.deps.sends.volumeSince(send.sender, new Date(this.deps.clock().getTime() - 30 * DAY_MS));
      const dailyAverage = Math.round((last30 / 30) * 10) / 10;
      if (send.recipients > rule.factor * dailyAverage) volume = { recipients: send.recipients, dailyAverage };
    }
    // Decided by the actor's own TOTP, not the role: any role may enrol, and a role says nothing about a stolen password.
    const limit = this.deps.limits.rules.batchWithoutTotp;
    const batch = !send.actor.totpEnabled && send.recipients > limit ? { recipients: send.recipients, limit, totp: false as const } : undefined;
    const reason = { ...(urls.length ? { urls } : {}), ...(volume ? { volume } : {}), ...(batch ? { batch } : {}) };
    if (Object.keys(reason).length) return { state: 'awaiting_approval' as const, reason };
    // Counted only for sends that go without a person's look: an approved send was looked at.
    if (!(await this.deps.limits.takeForUser(send.actor.id, send.recipients)))
      return { state: 'awaiting_approval' as const, reason: { daily: { recipients: send.recipients, limit: this.deps.limits.rules.dailyPerUser } } };
    return null;
  }

  outsideCountries(phones: string[]) {
    return this.deps.limits.outsideCountries(phones);
  }

  async senderPaused(sender: string): Promise<boolean> {
    return (await this.deps.policy.holdOf(sender)) !== null;
  }

  /** The longest configured prefix of the number wins (+4790 before +479). */
  async operatorOf(phone: string): Promise<string | null> {
    if (!this.prefixes || Date.now() - this.prefixes.at > 30_000) this.prefixes = { at: Date.now(), rows: await this.deps.policy.operatorPrefixes() };
    let best: { prefix: string; operator: string } | null = null;
    for (const r of this.prefixes.rows) if (phone.startsWith(r.prefix) && (!best || r.prefix.length > best.prefix.length)) best = r;
    return best?.operator ?? null;
  }

  async allowList(): Promise<{ host: string; createdAt: Date }[]> {
    return (await this.deps.policy.allowList()).map((a) => ({ host: a.host, createdAt: a.createdAt }));
  }

  async allowHost(actor: Actor, raw: string, route: string): Promise<{ host: string; created: boolean }> {
    assertAdmin(actor);
    const host = raw
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .replace(/^\*\./, '');
    if (!HOST.test(host)) throw badRequest(`${raw} is not a host name such as kommune.no`, [{ path: ['host'], message: 'not a host name' }]);
    const created = await this.deps.db.transaction(async (m) => {
      const ok = await this.deps.policy.allow(host, actor.id, this.deps.clock(), m);
      if (ok)
        await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'sms_policy', entityId: `allow:${host}`.slice(0, 64), route }], m);
      return ok;
    });
    return { host, created };
  }

  async disallowHost(actor: Actor, host: string, route: string): Promise<boolean> {
    assertAdmin(actor);
    return this.deps.db.transaction(async (m) => {
      const ok = await this.deps.policy.disallow(host.toLowerCase(), m);
      if (ok)
        await this.deps.audit.record([{ userId: actor.id, action: 'delete', entityType: 'sms_policy', entityId: `allow:${host}`.slice(0, 64), route }], m);
      return ok;
    });
  }

  async operatorPrefixes() {
    return (await this.deps.policy.operatorPrefixes()).map((r) => ({ prefix: r.prefix, operator: r.operator }));
  }

  async setOperatorPrefixes(actor: Actor, rows: { prefix: string; operator: string }[], route: string) {
    assertAdmin(actor);
    await this.deps.db.transaction(async (m) => {
      await this.deps.policy.replaceOperatorPrefixes(rows, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_policy', entityId: 'operator-prefixes', route }], m);
    });
    this.prefixes = null;
    return this.operatorPrefixes();
  }
}
