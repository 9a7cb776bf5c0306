import { inScope, isAdmin, type Actor } from '../core/access';
import { badRequest, forbidden } from '../core/errors';
import type { DepartmentRepository } from '../register/module';
import type { AudienceMember, AudienceSource } from '../sms/module';
import { readScope } from './access';
import type { ReachedRow, RosterPeopleRepository, Selection } from './people.repository';
import { rosterAudience, type RosterAudienceSpec } from './schemas';

/*
 * The `roster` audience of officers' sends (MISSION.md): people, groups, kinds or everyone of a
 * unit, the people themselves, their guardians, or both. Only current people: removed ones, and
 * those whose end date has passed or whose start date has not come, are left out when the send is
 * planned, and again right before each batch is handed over (leftSince), so a person who leaves
 * between the two gets nothing.
 *
 * Without a unit the audience is the whole municipality, which only an admin may send to; staff
 * name one of their own units. Merge fields: {{name}} is the recipient's own name (a guardian's for
 * a guardian), {{group}} the person's group (for a guardian, their pupil's): the first, in
 * alphabetical order, of the groups the send names, else of all their groups.
 */

export class RosterAudience implements AudienceSource<unknown> {
  constructor(
    private readonly deps: {
      people: RosterPeopleRepository;
      departments: DepartmentRepository;
      today: () => string;
    },
  ) {}

  private spec(raw: unknown): RosterAudienceSpec {
    const r = rosterAudience.safeParse(raw);
    if (!r.success) {
      const details = r.error.issues.map((i) => ({ path: ['audience', 'roster', ...i.path.map(String)], message: i.message }));
      throw badRequest(`Invalid audience.roster: ${details[0].path.slice(2).join('.') || 'roster'} ${details[0].message}`, details);
    }
    return r.data;
  }

  private async selection(spec: RosterAudienceSpec): Promise<Selection> {
    const unit = spec.unit ? await this.deps.departments.byCode(spec.unit) : null;
    return {
      departmentIds: spec.unit ? (unit ? [unit.id] : []) : null,
      people: spec.people,
      groups: spec.groups,
      kinds: spec.kinds,
      everyone: spec.everyone === true,
      today: this.deps.today(),
    };
  }

  async check(raw: unknown): Promise<void> {
    const spec = this.spec(raw);
    const unit = spec.unit ? await this.deps.departments.byCode(spec.unit) : null;
    if (spec.unit && !unit) throw badRequest(`No such unit: ${spec.unit}`, [{ path: ['audience', 'roster', 'unit'], message: 'no such unit' }]);
    if (spec.people?.length) {
      const found = await this.deps.people.existing(spec.people, unit ? [unit.id] : null);
      const details = spec.people.flatMap((p, i) => (found.has(p) ? [] : [{ path: ['audience', 'roster', 'people', i], message: `no such person: ${p}` }]));
      if (details.length) throw badRequest('The audience names people who are not on the roster', details.slice(0, 100));
    }
  }

  async authorize(raw: unknown, actor: Actor): Promise<void> {
    const spec = this.spec(raw);
    if (!spec.unit) {
      if (!isAdmin(actor)) throw forbidden('Name your unit: only an administrator sends to the roster of the whole municipality');
      return;
    }
    const unit = await this.deps.departments.byCode(spec.unit);
    if (!unit || !inScope(readScope(actor), unit.id) || !(isAdmin(actor) || actor.departmentIds.includes(unit.id)))
      throw forbidden('This unit is not one of yours');
  }

  async count(raw: unknown): Promise<number> {
    return (await this.members(raw, { emergency: false })).length;
  }

  async members(raw: unknown, opts: { emergency: boolean; limit?: number }): Promise<AudienceMember[]> {
    const spec = this.spec(raw);
    const rows = await this.reached(spec, await this.selection(spec));
    const seen = new Set<string>();
    const out: AudienceMember[] = [];
    for (const r of rows) {
      if (seen.has(r.phone)) continue;
      seen.add(r.phone);
      out.push({ phone: r.phone, name: r.name, group: r.group, locality: null, street: null });
      if (opts.limit && out.length >= opts.limit) break;
    }
    return out;
  }

  private async reached(spec: RosterAudienceSpec, s: Selection, phones?: string[]): Promise<ReachedRow[]> {
    const people = spec.guardians === 'only' ? [] : await this.deps.people.people(s, phones);
    const guardians = spec.guardians ? await this.deps.people.guardians(s, phones) : [];
    return [...people, ...guardians];
  }

  async leftSince(raw: unknown, phones: string[]): Promise<Map<string, string>> {
    const left = new Map<string, string>();
    if (!phones.length) return left;
    const spec = this.spec(raw);
    const still = new Set((await this.reached(spec, await this.selection(spec), phones)).map((r) => r.phone));
    // A number the roster never knew was named beside the audience by hand: not ours to stop.
    for (const phone of await this.deps.people.known(phones))
      if (!still.has(phone)) left.set(phone, 'The person has left the roster (removed, or their end date has passed) since the send was planned');
    return left;
  }

  async senderOf(raw: unknown): Promise<string | null> {
    const spec = this.spec(raw);
    if (!spec.unit) return null;
    const unit = await this.deps.departments.byCode(spec.unit);
    if (!unit) return null;
    const own = (await this.deps.departments.addresses()).filter((a) => a.channel === 'sms' && a.departmentId === unit.id);
    return (own.find((a) => a.isDefault) ?? own[0])?.address ?? null;
  }
}
