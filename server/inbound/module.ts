import type { Kernel } from '../core/kernel';
import type { Register } from '../register/module';
import { InboundService } from './inbound.service';

export type { InboundService, InboundResult } from './inbound.service';
export type { InboundContact, OutboundMessage, SendResult, ChannelSender } from './contract';

/** The one way a citizen's contact enters the register, whichever channel carried it. */
export function createInbound(kernel: Kernel, deps: { register: Register }): { service: InboundService } {
  const { register } = deps;
  return {
    service: new InboundService({
      db: kernel.db,
      contacts: register.contacts,
      cases: register.cases,
      inquiries: register.inquiries,
      messages: register.messages,
      departments: register.departments,
      events: register.events,
      defaultCountry: kernel.config.defaultCountry,
    }),
  };
}
