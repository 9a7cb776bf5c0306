import type { Channel } from '../contracts/names';
import { EventBus } from '../core/events';
import type { Inquiry, Message } from './entities';
import type { InquiryView } from '../contracts/views';

/** What the register reports after a write has committed: pushes to agents and journaling listen. */
export interface RegisterEventMap {
  /** `caseNumber` is a case the sender is a party on; `mentionedCaseNumber` one the text only names. */
  'inquiry:opened': {
    inquiry: Inquiry;
    contact: { id: number; name: string | null } | null;
    departmentCode: string;
    caseNumber: string | null;
    mentionedCaseNumber?: string | null;
  };
  'inquiry:updated': { inquiry: Inquiry; message: Message; departmentCode: string };
  /** Staff assigned, closed, reopened or moved an inquiry (after commit). */
  'inquiry:changed': { view: InquiryView; previousDepartmentId: number; departmentId: number; byUserId: number };
  'message:recorded': { inquiry: Inquiry; message: Message; channel: Channel };
  /** An outbound message the provider accepted (it has the provider's id): what journaling of sent items listens to. */
  'message:sent': { inquiry: Inquiry; message: Message; channel: Channel };
}

export class RegisterEvents extends EventBus<RegisterEventMap> {}
