/*
 * The names other systems and the console build against (MISSION.md, "Details that other systems
 * rely on"): channels, inquiry states, message statuses and roles. Pure values and types, imported
 * by the server and by client/; this file imports nothing.
 */

export const CHANNELS = ['sms', 'phone', 'email', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];
export const INQUIRY_STATES = ['open', 'waiting', 'closed'] as const;
export type InquiryState = (typeof INQUIRY_STATES)[number];

export const MESSAGE_STATUSES = [
  'scheduled',
  'awaiting_approval',
  'paused',
  'queued',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'stopped',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type Direction = 'in' | 'out' | 'internal';
export type MessageKind = 'message' | 'call' | 'note' | 'form';

export const ROLES = ['admin', 'agent', 'caseworker', 'officer', 'records', 'integration'] as const;
export type Role = (typeof ROLES)[number];
