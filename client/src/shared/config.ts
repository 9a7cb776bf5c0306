/* Server endpoints the console calls outside the plain CRUD paths, kept in one place. */
export const endpoints = {
  /** SMS delivery list: `?status=&country=&operator=&sender=&from=&to=&cursor=` → `{items, nextCursor}`. */
  smsMessages: '/api/sms/messages',
  /** One outbound SMS with its event history, for those who send (officers) and admins. */
  smsMessage: (id: number) => `/api/sms/messages/${id}`,
  /** One message of an inquiry with its event history, for the register roles (agents, caseworkers). */
  message: (id: number) => `/api/messages/${id}`,
  /** An inquiry's older timeline items: `?cursor=` from `timelineCursor` or a page's `nextCursor` → `{items, nextCursor}`, oldest first. */
  olderTimeline: (inquiryId: number, cursor: string) => `/api/inquiries/${inquiryId}/timeline?cursor=${encodeURIComponent(cursor)}`,
  transfer: (callSid: string) => `/api/calls/${encodeURIComponent(callSid)}/transfer`,
} as const;

/** How long the console waits for the server to acknowledge a socket action before saying so. */
export const ACK_TIMEOUT_MS = 5000;
