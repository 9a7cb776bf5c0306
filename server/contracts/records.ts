/* What the records room's API answers, shared with the console. Pure types. */

export interface AuditEventView {
  id: number;
  at: string;
  user: { id: number; name: string; email: string } | null;
  action: string;
  entityType: string;
  entityId: string;
  /** The citizen the event concerns, where the register still links it to one. */
  contact: { id: number; name: string | null } | null;
  /** The code of the department whose data it was. */
  department: string | null;
  route: string;
  ip: string | null;
}

export interface AuditPageView {
  items: AuditEventView[];
  nextCursor: string | null;
}

export interface UnusualReadingView {
  from: string;
  to: string;
  threshold: number;
  items: { user: { id: number; name: string; email: string }; citizensWithoutInquiry: number; reads: number }[];
}
