import { z } from 'zod';
import type { InquiryState } from './names';

/*
 * The Socket.IO contract of namespace /agents, shared by server and client (`import type`).
 * Payloads from agents are validated with these schemas; the types are never trusted alone.
 */

export const agentStatusPayload = z.object({ status: z.enum(['available', 'busy', 'away']) }).strict();
export const callAcceptPayload = z.object({ callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/) }).strict();

export type AgentStatus = z.infer<typeof agentStatusPayload>['status'];

export interface ContactRef {
  id: number;
  name: string | null;
}

export interface CallIncoming {
  callSid: string;
  from: string;
  department: string;
  contact: ContactRef | null;
}

export interface ScreenPop {
  callSid: string;
  from: string;
  contact: ContactRef | null;
  cases: { caseNumber: string; title: string; status: string; department: string }[];
  /**
   * `caseNumber` only for a case the caller is a party on; a case their message merely named is
   * `mentionedCaseNumber`, so it is never shown as the caller's own.
   */
  inquiries: {
    id: number;
    channel: string;
    direction: 'in' | 'out';
    createdAt: string;
    summary: string;
    caseNumber: string | null;
    mentionedCaseNumber?: string;
  }[];
  transfer?: { from: ContactRef; note: string };
}

export interface InquiryNew {
  id: number;
  channel: string;
  department: string;
  contact: ContactRef | null;
  summary: string;
  /** A case the sender is a party on. */
  caseNumber: string | null;
  /** A case the text names whose party the sender is not: shown as a mention, not as the citizen's case. */
  mentionedCaseNumber?: string;
  /** The inquiry this message named (its tag, a Message-ID) though its citizen did not send it: check before answering. */
  refersToInquiryId?: number;
  createdAt: string;
}

/**
 * A further message arrived (`summary` only), or staff changed the inquiry: then also its `state`,
 * `department` and `assignee` as they are now, so other agents' consoles never show a stale owner.
 */
export interface InquiryUpdated {
  id: number;
  summary: string;
  state?: InquiryState;
  department?: string;
  assignee?: { id: number; name: string } | null;
  /** Who made the change, so their own console can ignore the echo. */
  byUserId?: number;
}

export type Ack = (answer: { ok: true } | { ok: false; reason: string }) => void;

/**
 * What an acknowledgement's `{ok: false, reason}` means in HTTP terms: the status and `error.code`
 * the API answers for the same refusal. Sockets keep their short acks; the API reference prints this.
 */
export const ACK_REASONS: Record<string, { status: number; code: string; means: string }> = {
  invalid_payload: { status: 400, code: 'invalid_input', means: 'the payload does not match the event' },
  unauthorized: { status: 401, code: 'invalid_token', means: 'the token no longer passes; the socket is closed' },
  not_allowed: { status: 403, code: 'forbidden', means: 'the role may not do this' },
  not_your_department: { status: 403, code: 'forbidden', means: 'the call is for a department the agent is not in' },
  not_found: { status: 404, code: 'not_found', means: 'no such call' },
  taken: { status: 409, code: 'conflict', means: 'another agent took it first' },
  ended: { status: 409, code: 'conflict', means: 'the call has ended' },
  rate_limited: { status: 429, code: 'rate_limited', means: 'too many events on this connection' },
  unavailable: { status: 503, code: 'unavailable', means: 'the server could not do it now; try again' },
};

export interface ClientToServerEvents {
  'agent:status': (payload: z.infer<typeof agentStatusPayload>, ack?: Ack) => void;
  'call:accept': (payload: z.infer<typeof callAcceptPayload>, ack: Ack) => void;
}

export interface ServerToClientEvents {
  'call:incoming': (payload: CallIncoming) => void;
  'call:taken': (payload: { callSid: string; by: ContactRef }) => void;
  /** The caller hung up or the call otherwise ended; clients drop it from their incoming list. */
  'call:ended': (payload: { callSid: string; outcome: string }) => void;
  'screen-pop': (payload: ScreenPop) => void;
  /** The provider could not move an accepted call to this agent: it is back in the queue and offered again. */
  'call:lost': (payload: { callSid: string; reason: string }) => void;
  'inquiry:new': (payload: InquiryNew) => void;
  'inquiry:updated': (payload: InquiryUpdated) => void;
}

export interface SocketData {
  userId: number;
  name: string;
  role: string;
  departmentIds: number[];
  status: AgentStatus;
  /** The stored id of the token the socket connected with (never the token itself). */
  tokenId: string;
}
