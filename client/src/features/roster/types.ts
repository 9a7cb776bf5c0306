/** What /api/roster answers (server/roster/people.repository.ts and routes), as the console reads it. */

export interface RosterPerson {
  externalId: string;
  name: string;
  phone: string;
  kind: 'student' | 'staff';
  unit: string;
  groups: string[];
  startDate: string | null;
  endDate: string | null;
  guardians: { name: string; phone: string }[];
  ended: boolean;
}

export interface RosterGroup {
  name: string;
  unit: string;
  people: number;
}

export interface AccountMessage {
  id: number;
  kind: 'welcome' | 'reset';
  unit: string;
  externalId: string | null;
  phone: string;
  state: string;
  attempts: number;
  error: string | null;
  status: string | null;
  body: string | null;
  createdAt: string;
}

export interface EmergencyView {
  id: number;
  state: string;
  recipients: number;
  dispatched?: number;
  statuses: Record<string, number>;
  askReply: boolean;
  answers: number;
  notAnsweredCount: number;
  notAnswered: { phone: string; name: string | null; status: string }[];
}

export type Reach = 'people' | 'both' | 'only';
export const guardiansOf = (r: Reach): boolean | 'only' | undefined => (r === 'both' ? true : r === 'only' ? 'only' : undefined);
