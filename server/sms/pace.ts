/**
 * Messages per second per sender number, in this process. Hand-overs of one sender pass one at a
 * time through a chain that lets the next go only when 1/rate has passed since the previous one
 * actually went, so however many hand-overs wait at once, and however late a timer fires, the
 * carrier sees at most `rate` in any second (a late timer delays what follows instead of letting
 * it bunch up). Two processes each keep their own pace: sharing one number's rate across workers
 * needs a shared bucket (Redis), which the worker process will bring.
 */
export class SenderPace {
  private readonly chains = new Map<string, { tail: Promise<void>; last: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(sender: string, perSecond: number | null): Promise<void> {
    if (!perSecond || perSecond <= 0) return Promise.resolve();
    const interval = 1000 / perSecond;
    const c = this.chains.get(sender) ?? { tail: Promise.resolve(), last: -Infinity };
    this.chains.set(sender, c);
    c.tail = c.tail.then(async () => {
      const wait = c.last + interval - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.ceil(wait)));
      c.last = this.now();
    });
    return c.tail;
  }
}
