/** Counts of messages per day and status, for the stacked bar chart of the delivery view. */

export interface StatusBucket {
  day: string;
  counts: Record<string, number>;
  total: number;
}

export function bucketByDay(rows: { status?: string | null; createdAt?: string | null }[]): StatusBucket[] {
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (!r.createdAt) continue;
    const t = new Date(r.createdAt);
    if (Number.isNaN(t.getTime())) continue;
    const day = t.toISOString().slice(0, 10);
    const counts = byDay.get(day) ?? {};
    const status = r.status ?? 'unknown';
    counts[status] = (counts[status] ?? 0) + 1;
    byDay.set(day, counts);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, counts]) => ({ day, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }));
}
