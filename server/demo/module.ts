import type { Logger } from 'pino';
import { seedDemoAlerts } from './alerts';
import { seedDemoForms } from './forms';
import { seedDemoData, type DemoDeps } from './seed';

export { DEMO_PASSWORD, DEMO_DEPARTMENTS } from './seed';

/**
 * The demo: an empty register filled with departments, staff, citizens, cases and inquiries on
 * every channel, the public web forms, and resident alerts' categories and address register. Written through the same services a running server uses.
 */
export async function seedDemo(
  server: DemoDeps & Parameters<typeof seedDemoForms>[0] & Parameters<typeof seedDemoAlerts>[0],
  opts: { logger?: Logger } = {},
): Promise<boolean> {
  // Demo data never mixes into a register that holds anything: false, and nothing added.
  const seeded = await seedDemoData(server, opts);
  await seedDemoForms(server);
  await seedDemoAlerts(server);
  return seeded;
}
