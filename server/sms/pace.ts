/**
 * Messages per second per sender number, in this process: each hand-over reserves the next slot
 * of its sender (1/rate apart) and waits for it, so however many hand-overs run at once, the
 * carrier sees at most `rate` a second. Slots are reserved before waiting, so a late timer
 * shifts nothing after it. Two processes each keep their own pace: sharing one number's rate
 * across workers needs a shared bucket (Redis), which the worker process will bring.
 */
export class SenderPace {
  private readonly next = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  async take(sender: string, perSecond: number | null): Promise<void> {
    if (!perSecond || perSecond <= 0) return;
    const now = this.now();
    const at = Math.max(now, this.next.get(sender) ?? 0);
    this.next.set(sender, at + 1000 / perSecond);
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
