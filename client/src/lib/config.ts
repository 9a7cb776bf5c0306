/*
 * Server endpoints the console depends on that other branches are still building. Kept in one
 * place so that when the SMS branch settles its list endpoint only this line changes.
 */
export const endpoints = {
  /** SMS delivery list: `?status=&country=&operator=&sender=&from=&to=&cursor=` → `{items, nextCursor}`. */
  smsMessages: '/api/sms/messages',
  message: (id: number) => `/api/messages/${id}`,
  transfer: (callSid: string) => `/api/calls/${encodeURIComponent(callSid)}/transfer`,
} as const;

/** How long the console waits for the server to acknowledge a socket action before saying so. */
export const ACK_TIMEOUT_MS = 5000;
