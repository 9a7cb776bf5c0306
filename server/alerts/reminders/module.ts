import type { Kernel } from '../../core/kernel';
import { repeating, type BackgroundWork } from '../../core/feature';
import { Reminders } from './reminders.service';
import { reminderRoutes } from './routes';
import { ReminderDispatcher, type ReminderSends } from './sends';
import { DEFAULT_SETTINGS, ReminderSettingsStore, type ReminderSettings } from './settings';

export type { ReminderSends, ReminderSendRequest, ReminderAudience } from './sends';

export interface ReminderOptions {
  /** Defaults until an admin sets their own (the municipality's TIME_ZONE, 18:00). */
  settings?: Partial<ReminderSettings>;
  /** How often the tick looks for what is due (default a minute). */
  everyMs?: number;
}

/** The reminder modules (waste, power cuts, overdue payments): their routes, service and tick. */
export function createReminders(kernel: Kernel, deps: { from: () => Promise<string | null> }, opts: ReminderOptions = {}) {
  const { db, clock, logger, audit, config } = kernel;
  // One time zone for the municipality: recurring sends and quiet hours read TIME_ZONE too.
  const settings = new ReminderSettingsStore({ db, clock, defaults: { ...DEFAULT_SETTINGS, timeZone: config.timeZone, ...opts.settings } });
  const dispatcher = new ReminderDispatcher({ db, clock, logger });
  const reminders = new Reminders({ db, audit, clock, logger, settings, dispatcher, from: deps.from, defaultCountry: config.defaultCountry });
  // Every process ticks; the once-only keys keep them from sending a reminder twice. Until the root
  // connects the send engine (connect below), a tick does nothing: schedules are kept, none is lost.
  const background: BackgroundWork[] = [repeating('alert reminders', opts.everyMs ?? 60_000, () => reminders.tick(), logger)];
  const connect = (sends: ReminderSends) => dispatcher.connect(sends);
  return { reminders, settings, connect, routes: reminderRoutes({ reminders, settings }), background };
}
