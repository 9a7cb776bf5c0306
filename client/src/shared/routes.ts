/*
 * Hash routes: the server serves one index.html at `/` and needs no fallback route, and moving
 * between views never reloads the page (the socket and the inbox survive).
 */
export type Route =
  | { name: 'inbox' }
  | { name: 'inquiry'; id: number }
  | { name: 'contact'; id: number }
  | { name: 'case'; caseNumber: string }
  | { name: 'status'; messageId?: number }
  | { name: 'alerts'; sendId?: number }
  | { name: 'search'; q: string }
  | { name: 'admin' }
  | { name: 'audit' }
  | { name: 'roster' };

export function parseRoute(hash: string): Route | null {
  const path = hash.replace(/^#/, '');
  let m: RegExpExecArray | null;
  if ((m = /^\/inquiries\/(\d+)$/.exec(path))) return { name: 'inquiry', id: Number(m[1]) };
  if ((m = /^\/contacts\/(\d+)$/.exec(path))) return { name: 'contact', id: Number(m[1]) };
  if ((m = /^\/cases\/(.+)$/.exec(path))) return { name: 'case', caseNumber: decodeURIComponent(m[1]) };
  if ((m = /^\/status(?:\/(\d+))?$/.exec(path))) return { name: 'status', messageId: m[1] ? Number(m[1]) : undefined };
  if ((m = /^\/alerts(?:\/sends\/(\d+))?$/.exec(path))) return { name: 'alerts', sendId: m[1] ? Number(m[1]) : undefined };
  if ((m = /^\/search\/(.+)$/.exec(path))) return { name: 'search', q: decodeURIComponent(m[1]) };
  if (path === '/admin') return { name: 'admin' };
  if (path === '/records/audit') return { name: 'audit' };
  if (path === '/inbox') return { name: 'inbox' };
  if (path === '/roster') return { name: 'roster' };
  return null;
}

export const href = {
  inbox: () => '#/inbox',
  inquiry: (id: number) => `#/inquiries/${id}`,
  contact: (id: number) => `#/contacts/${id}`,
  case: (caseNumber: string) => `#/cases/${encodeURIComponent(caseNumber)}`,
  status: (messageId?: number) => (messageId ? `#/status/${messageId}` : '#/status'),
  alerts: () => '#/alerts',
  alertSend: (id: number) => `#/alerts/sends/${id}`,
  search: (q: string) => `#/search/${encodeURIComponent(q)}`,
  admin: () => '#/admin',
  audit: () => '#/records/audit',
  roster: () => '#/roster',
};
