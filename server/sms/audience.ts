import { z } from 'zod';
import { AppError } from '../core/errors';
import type { Actor } from '../core/access';

/*
 * Audiences: who a send reaches when the officer names a kind of people instead of numbers. The
 * SMS feature defines the port and knows no source; resident alerts implement `subscribers` (and
 * a later roster feature `roster`), and the composition root registers them here.
 */

const id = z
  .union([
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,11}$/, 'an id'),
    z.number().int().positive(),
  ])
  .transform((v) => Number(v));
const code = z.string().trim().min(1).max(32);

export const subscribersAudience = z
  .object({
    all: z.literal(true).optional(),
    localities: z.array(id).max(1000).optional(),
    streets: z.array(id).max(20_000).optional(),
    categories: z.array(code).max(100).optional(),
    /** Only subscribers who read one of these languages (reminders send one text per language). */
    languages: z.array(z.string().trim().min(2).max(8)).max(10).optional(),
  })
  .strict()
  .refine((a) => a.all === true || (a.localities?.length ?? 0) + (a.streets?.length ?? 0) > 0, {
    message: 'name an area: all, localities or streets',
    path: ['localities'],
  });
export type SubscribersAudience = z.infer<typeof subscribersAudience>;

export const audienceBody = z.union([
  z.object({ subscribers: subscribersAudience }).strict(),
  // Validated by the roster feature (its source's check), which the SMS feature knows nothing of.
  z.object({ roster: z.record(z.string(), z.unknown()) }).strict(),
]);
export type Audience = z.infer<typeof audienceBody>;
export type AudienceKind = 'subscribers' | 'roster';

/** One person an audience reaches, with the values its merge fields take for them. */
export interface AudienceMember {
  /** E.164. */
  phone: string;
  locality: string | null;
  street: string | null;
  /** A roster member's name and group ({{name}}, {{group}}). */
  name?: string | null;
  group?: string | null;
}

/** A source of audiences of one kind. Bad ids or codes are refused (400) before anything is written. */
export interface AudienceSource<S = unknown> {
  /** Throws a 400 naming what does not exist. */
  check(spec: S): Promise<void>;
  count(spec: S, opts: { emergency: boolean }): Promise<number>;
  /** Every member once (one row per number), in a stable order; `limit` for a sample. */
  members(spec: S, opts: { emergency: boolean; limit?: number }): Promise<AudienceMember[]>;
  /** Throws 403 when the actor may not send to this audience (a roster unit that is not theirs). */
  authorize?(spec: S, actor: Actor): Promise<void>;
  /**
   * Of these numbers (a batch about to be handed over), the ones the audience no longer reaches and
   * must be stopped now, with why: a person removed, or past their end date since the send was planned.
   */
  leftSince?(spec: S, phones: string[]): Promise<Map<string, string>>;
  /** The sender number the audience's own unit sends from, when the officer names none. */
  senderOf?(spec: S): Promise<string | null>;
}

export const kindOf = (a: Audience): AudienceKind => ('subscribers' in a ? 'subscribers' : 'roster');
export const specOf = (a: Audience): unknown => ('subscribers' in a ? a.subscribers : a.roster);

/** The sources the root registered; an audience of a kind nobody serves is a 400, not a 500. */
export class AudienceSources {
  private readonly sources = new Map<AudienceKind, AudienceSource>();

  register<S>(kind: AudienceKind, source: AudienceSource<S>): void {
    this.sources.set(kind, source as AudienceSource);
  }

  of(audience: Audience): { source: AudienceSource; spec: unknown } {
    const kind = kindOf(audience);
    const source = this.sources.get(kind);
    if (!source) throw new AppError(400, 'audience_unavailable', `Audiences of ${kind} are not available on this server`);
    return { source, spec: specOf(audience) };
  }

  /** The source's check, and, with an actor, whether they may send to it. */
  async checked(audience: Audience, actor?: Actor): Promise<{ source: AudienceSource; spec: unknown }> {
    const { source, spec } = this.of(audience);
    await source.check(spec);
    if (actor) await source.authorize?.(spec, actor);
    return { source, spec };
  }
}
