import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { SmsFeature } from '../sms/module';

export type AlertsFeature = ReturnType<typeof createAlerts>;

/**
 * Resident SMS alerts (seed 001): the official address register, residents' own subscriptions
 * confirmed by SMS codes, and the audiences officers' sends pick from them. Sending itself goes
 * through the SMS feature's one send engine.
 */
export function createAlerts(kernel: Kernel, deps: { register: Register; sms: SmsFeature | null }): Feature {
  void kernel;
  void deps;
  return { routes: {} };
}
