import type { Logger } from 'pino';
import { seedDemoForms } from './forms';
import { seedDemoData, type DemoDeps } from './seed';

export { DEMO_PASSWORD, DEMO_DEPARTMENTS } from './seed';

/**
 * The demo: an empty register filled with departments, staff, citizens, cases and inquiries on
 * every channel, and the public web forms. Written through the same services a running server uses.
 */
export async function seedDemo(server: DemoDeps & Parameters<typeof seedDemoForms>[0], opts: { logger?: Logger } = {}): Promise<void> {
  await seedDemoData(server, opts);
  await seedDemoForms(server);
}
