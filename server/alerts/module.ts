import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { SmsFeature } from '../sms/module';
import { AddressRegisterRepository } from './address-register.repository';
import { addressRegisterRoutes } from './address-register.routes';
import { AddressRegisterService } from './address-register.service';
import { AlertCategoryService } from './categories';

export type AlertsFeature = ReturnType<typeof createAlerts>;

/**
 * Resident SMS alerts (seed 001): the official address register, residents' own subscriptions
 * confirmed by SMS codes, and the audiences officers' sends pick from them. Sending itself goes
 * through the SMS feature's one send engine.
 */
export function createAlerts(kernel: Kernel, deps: { register: Register; sms: SmsFeature | null }) {
  void deps;
  const { db, audit, clock } = kernel;
  const addressRegister = new AddressRegisterService({ db, audit, clock, repo: new AddressRegisterRepository({ db }) });
  const categories = new AlertCategoryService({ db, audit, clock });
  const registerRoutes = addressRegisterRoutes({ register: addressRegister, categories });
  const feature: Feature = { routes: { api: registerRoutes.api, public: registerRoutes.public } };
  return { ...feature, addressRegister, categories };
}
